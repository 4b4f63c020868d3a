// The load generator: wrk (Debian's package) driven by a generated Lua script; autocannon as a fallback.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { pinned } from './proc.mjs';

const scriptDir = mkdtempSync(join(tmpdir(), 'crossauth-bench-'));
let scriptCount = 0;

function commandWorks(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.error === undefined;
}

/**
 * Makes sure wrk is there: installs Debian's package when it is missing and we are root (the bench's own
 * setup step), else falls back to autocannon. Returns `{ tool, version, note }`.
 */
export function ensureLoadGenerator({ log = console.log } = {}) {
  if (!commandWorks('wrk', ['-v'])) {
    if (typeof process.getuid === 'function' && process.getuid() === 0 && commandWorks('apt-get', ['--version'])) {
      log('wrk is missing: installing it with apt-get (Debian package "wrk")…');
      const options = { stdio: 'inherit', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
      spawnSync('apt-get', ['update', '-qq'], options);
      spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], options);
    }
  }
  if (commandWorks('wrk', ['-v'])) {
    const text = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
    const version = /wrk (\S+)/.exec(`${text.stdout}${text.stderr}`)?.[1] ?? 'unknown';
    return { tool: 'wrk', version, note: '' };
  }
  return {
    tool: 'autocannon',
    version: 'npm',
    note: 'wrk could not be installed: autocannon (JavaScript) was used, which saturates before bare node:http does on two cores; ratios near 1 are compressed.',
  };
}

/** A Lua string literal for a printable-ASCII value. */
function lua(value) {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`bench: request values must be printable ASCII: ${JSON.stringify(value)}`);
  return JSON.stringify(value);
}

/**
 * The wrk script for one request shape. With `verify`, every answer is inspected (slower, so only for the
 * check before timing): non-2xx answers are counted and the first one is kept for the error message.
 * The timed runs rely on wrk's own count of non-2xx/3xx answers (`summary.errors.status`).
 */
function wrkScript(request, verify) {
  const lines = [`wrk.method = ${lua(request.method)}`, `wrk.path = ${lua(request.path)}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`wrk.headers[${lua(name)}] = ${lua(value)}`);
  if (request.body !== undefined) lines.push(`wrk.body = ${lua(request.body)}`);
  lines.push(
    'local threads = {}',
    'function setup(thread) table.insert(threads, thread) end',
    'ok2xx = 0',
    'bad = 0',
    'firstBad = ""',
    'firstStatus = 0',
  );
  if (verify) {
    lines.push(
      'function response(status, headers, body)',
      '  if firstStatus == 0 then firstStatus = status end',
      '  if status >= 200 and status < 300 then ok2xx = ok2xx + 1 else',
      '    bad = bad + 1',
      '    if firstBad == "" then firstBad = status .. " " .. string.sub(body or "", 1, 300) end',
      '  end',
      'end',
    );
  }
  lines.push(
    'local function esc(s) return (string.gsub(s, "[%c\\"\\\\]", " ")) end',
    'function done(summary, latency, requests)',
    '  local ok, nbad, first, status = 0, 0, "", 0',
    '  for _, t in ipairs(threads) do',
    '    ok = ok + t:get("ok2xx"); nbad = nbad + t:get("bad")',
    '    if first == "" then first = t:get("firstBad") end',
    '    if status == 0 then status = t:get("firstStatus") end',
    '  end',
    '  local e = summary.errors',
    '  io.write(string.format(\'BENCH {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"non2xx":%d,"timeouts":%d,"latencyMeanUs":%.1f,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"verifiedOk":%d,"verifiedBad":%d,"firstStatus":%d,"firstBad":"%s"}\\n\',',
    '    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, ok, nbad, status, esc(first)))',
    'end',
  );
  const file = join(scriptDir, `request-${++scriptCount}.lua`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * One load run. `request` is `{ method, path, headers, body }`; resolves to
 * `{ requests, rps, non2xx, errors, p50Us, p99Us, … }`. Never longer than `durationSeconds` + 15 s.
 */
export function runLoad(generator, { url, request, durationSeconds, connections, core, verify = false }) {
  if (generator.tool === 'autocannon') return runAutocannon({ url, request, durationSeconds, connections, core });
  const script = wrkScript(request, verify);
  const args = ['-t1', `-c${connections}`, `-d${durationSeconds}s`, '--timeout', '5s', '-s', script, url];
  const [command, commandArgs] = pinned(core, 'wrk', args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), (durationSeconds + 15) * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = /BENCH (\{.*\})/.exec(stdout)?.[1];
      if (code !== 0 || line === undefined) return reject(new Error(`wrk failed (${code}): ${stderr || stdout}`));
      const result = JSON.parse(line);
      result.rps = result.requests / (result.durationUs / 1e6);
      result.errors = result.connectErrors + result.readErrors + result.writeErrors + result.timeouts;
      resolve(result);
    });
  });
}

function runAutocannon({ url, request, durationSeconds, connections, core }) {
  const runner = fileURLToPath(new URL('./autocannon-runner.mjs', import.meta.url));
  const [command, args] = pinned(core, process.execPath, [runner, JSON.stringify({ url, request, durationSeconds, connections })]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text) => (stdout += text));
    child.on('exit', (code) => {
      const line = /BENCH (\{.*\})/.exec(stdout)?.[1];
      if (code !== 0 || line === undefined) return reject(new Error(`autocannon failed (${code})`));
      resolve(JSON.parse(line));
    });
  });
}
