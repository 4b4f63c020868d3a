// Child processes of the bench: servers and in-process probes, each pinned to one core with taskset.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import process from 'node:process';

const SERVER_ENTRY = fileURLToPath(new URL('../server.mjs', import.meta.url));
const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Every child still running, so that a crash or Ctrl-C of the harness never leaves one behind. */
const running = new Set();
function killAll() {
  for (const child of running) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

export function hasTaskset() {
  return spawnSync('taskset', ['-V'], { encoding: 'utf8' }).status === 0;
}

/** `taskset -c CORE node …`, or plain `node …` when taskset (or the core) is missing. */
export function pinned(core, command, args) {
  return core !== undefined && hasTaskset() ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/**
 * Starts `node bench/server.mjs <contender>` on `core` and resolves once it prints `READY <port>`.
 * `nodeFlags` go before the script (e.g. `--cpu-prof`). taskset execs node, so the pid is node's.
 */
export function startServer(contenderId, { core, nodeFlags = [], env = {}, timeoutMs = 30_000 } = {}) {
  const [command, args] = pinned(core, process.execPath, [...nodeFlags, SERVER_ENTRY, contenderId]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production', ...env } });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => {
    stderr = (stderr + text).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${contenderId}: no READY within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    let stdout = '';
    const onData = (text) => {
      stdout += text;
      const match = /READY (\d+)/.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({
        id: contenderId,
        pid: child.pid,
        url: `http://127.0.0.1:${match[1]}`,
        stderr: () => stderr,
        cpuSeconds: () => cpuSeconds(child.pid),
        rssBytes: () => rssBytes(child.pid),
        stop: () => stopChild(child),
      });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${contenderId}: exited (${code ?? signal}) before READY\n${stderr}`));
    });
  });
}

/** SIGTERM (servers exit cleanly, which lets --cpu-prof write its profile), SIGKILL after 10 s. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** User + system CPU time of the whole process (every thread), from /proc/<pid>/stat, in seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

export function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? NaN : Number(match[1]) * 1024;
}

/** Runs a node script pinned to `core` and parses the last line of its output as JSON. */
export function runNodeJson(script, args, { core, nodeFlags = [], env = {}, timeoutMs = 300_000 } = {}) {
  const [command, commandArgs] = pinned(core, process.execPath, [...nodeFlags, script, ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production', ...env } });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr = (stderr + text).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} exited ${code ?? signal}\n${stderr}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${script}: no JSON on the last line\n${stdout.slice(-2000)}\n${stderr}`));
      }
    });
  });
}

/** Per-core counters from /proc/stat: `{ cpu0: [user, nice, system, idle, iowait, irq, softirq, steal, …], … }`. */
export function coreTicks() {
  const cores = {};
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const match = /^(cpu\d+)\s+(.*)$/.exec(line);
    if (match !== null) cores[match[1]] = match[2].trim().split(/\s+/).map(Number);
  }
  return cores;
}

/** Busy and stolen shares of one core between two `coreTicks()` snapshots (`undefined` for an unknown core). */
export function coreUse(before, after, core) {
  const a = before[`cpu${core}`];
  const b = after[`cpu${core}`];
  if (a === undefined || b === undefined) return undefined;
  const delta = b.map((value, i) => value - (a[i] ?? 0));
  const total = delta.slice(0, 8).reduce((sum, value) => sum + value, 0);
  if (total <= 0) return undefined;
  return { busy: 1 - ((delta[3] ?? 0) + (delta[4] ?? 0)) / total, steal: (delta[7] ?? 0) / total };
}
