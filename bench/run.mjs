// `npm run bench`: every contender in its own process on loopback, driven by wrk, interleaved, medians over
// repetitions, ratios against bare node:http from the same run; micro-benchmarks; the 100,000-session check;
// CPU profiles of crossauth where a target is missed. Writes bench/RESULTS.md. See bench/README.md.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import process from 'node:process';
import { CASES } from './lib/cases.mjs';
import { Client } from './lib/client.mjs';
import { APP_ORIGIN, ECHO_BODY } from './lib/constants.mjs';
import { ensureLoadGenerator, runLoad } from './lib/load.mjs';
import { median } from './lib/measure.mjs';
import { coreTicks, coreUse, runNodeJson, startServer } from './lib/proc.mjs';
import { summariseProfile } from './lib/profile.mjs';
import { machineSnapshot, writeReport } from './lib/report.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { loadContenders } from './contenders/index.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const log = (...parts) => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)}s]`, ...parts);
const startedAt = Date.now();

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    duration: { type: 'string' },
    reps: { type: 'string' },
    connections: { type: 'string' },
    cases: { type: 'string' },
    contenders: { type: 'string' },
    skip: { type: 'string' },
    out: { type: 'string' },
    render: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(`usage: node bench/run.mjs [options]   (npm run bench -- [options] builds first)
  --quick               2 s runs, 1 repetition, writes bench/.results-quick.md (for development)
  --duration SECONDS    length of each timed run (default 5)
  --reps N              repetitions of each contender per case, interleaved (default 3)
  --connections N       wrk connections (default 50)
  --cases a,b           among ${[...CASES.map((c) => c.id), 'login'].join(', ')}
  --contenders a,b      contender ids (bare is always included)
  --skip a,b            among micro, scale, login, profile
  --out FILE            report path (default bench/RESULTS.md); the raw numbers go beside it as .json
  --render              rewrite the report from the saved .json (after editing bench/ANALYSIS.md), no load`);
  process.exit(0);
}

const quick = flags.quick === true;
const settings = {
  durationSeconds: Number(flags.duration ?? (quick ? 2 : 5)),
  reps: Number(flags.reps ?? (quick ? 1 : 3)),
  connections: Number(flags.connections ?? 50),
  verifySeconds: quick ? 1 : 2,
  loadCore: 0,
  serverCore: 1,
};
const skip = new Set((flags.skip ?? '').split(',').filter(Boolean));
const selectedCases = new Set((flags.cases ?? [...CASES.map((c) => c.id), 'login'].join(',')).split(','));
const out = flags.out ?? join(here, quick ? '.results-quick.md' : 'RESULTS.md');
const profileDir = join(here, '.profiles');
const rawFile = out.replace(/\.md$/, '') + '.json';

if (flags.render) {
  writeReport(out, JSON.parse(readFileSync(rawFile, 'utf8')));
  console.log(`bench: rewrote ${out} from ${rawFile}`);
  process.exit(0);
}

// Bounded: whatever happens, the harness (and with it every server and wrk it started) stops in 30 minutes.
setTimeout(() => {
  console.error('bench: still running after 30 minutes; stopping');
  process.exit(1);
}, 30 * 60_000).unref();

if (availableParallelism() < 2) {
  console.warn('bench: fewer than 2 cores: server and load generator share a core; numbers are indicative only');
  settings.loadCore = undefined;
  settings.serverCore = undefined;
}
if (!existsSync(join(root, 'packages/server/dist/index.js')) || !existsSync(join(root, 'packages/cli/dist/serve/notes-routes.js'))) {
  console.error('bench: packages are not built: run `npm run build` (or `npm run bench`, which builds first)');
  process.exit(1);
}

const generator = ensureLoadGenerator({ log });
log(`load generator: ${generator.tool} ${generator.version}; server on core ${settings.serverCore}, load on core ${settings.loadCore}`);
const machineBefore = machineSnapshot();

// ---- contenders --------------------------------------------------------------------------------------
const all = await loadContenders();
const wanted = flags.contenders?.split(',');
const chosen = all.filter((c) => c.unavailable === undefined && !c.onlyAsBaseline && (wanted === undefined || wanted.includes(c.id) || c.id === 'bare'));
for (const contender of [...chosen]) {
  const baseline = all.find((c) => c.id === contender.baseline);
  if (baseline !== undefined && baseline.unavailable === undefined && !chosen.includes(baseline)) chosen.push(baseline);
}
const unavailable = all.filter((c) => c.unavailable !== undefined);

/** 4xx expected: a request from a foreign origin without a token, and (where tokens are checked) one without a token. */
async function protectionCheck(contender, url, credentials) {
  if (contender.kind === 'limit' || contender.kind === 'framework-bare') return;
  const attempts = [{ Origin: 'https://evil.example.net', Cookie: credentials.cookie, 'Content-Type': 'application/json' }];
  if (contender.checksCsrfToken !== false) attempts.push({ Origin: APP_ORIGIN, Cookie: credentials.cookie, 'Content-Type': 'application/json' });
  for (const headers of attempts) {
    const response = await globalThis.fetch(`${url}/echo`, { method: 'POST', headers, body: ECHO_BODY });
    await response.arrayBuffer();
    if (response.status < 400 || response.status >= 500) {
      throw new Error(`${contender.id}: POST /echo without a CSRF token (Origin ${headers.Origin}) answered ${response.status}: the protected POST is not protected`);
    }
  }
}

const servers = [];
for (const contender of chosen) {
  const server = await startServer(contender.id, { core: settings.serverCore });
  const credentials = await contender.prepare(new Client(server.url));
  await protectionCheck(contender, server.url, credentials);
  servers.push({ contender, server, credentials });
  log(`started ${contender.id} (pid ${server.pid}) at ${server.url}`);
}

function assertClean(result, what, verify) {
  const problems = [];
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx answers`);
  if (result.errors > 0) problems.push(`${result.errors} socket errors or timeouts`);
  if (verify && result.verifiedOk === 0) problems.push('no 2xx answer at all');
  if (verify && result.verifiedBad > 0) problems.push(`first bad answer: ${result.firstBad}`);
  if (problems.length > 0) throw new Error(`bench: ${what}: ${problems.join('; ')} — refusing to time this (a harness that times 403s is broken)`);
}

const load = (request, durationSeconds, connections, url, verify = false) =>
  runLoad(generator, { url, request, durationSeconds, connections, core: settings.loadCore, verify });

// ---- load cases, interleaved -------------------------------------------------------------------------
const caseResults = [];
for (const kase of CASES) {
  if (!selectedCases.has(kase.id)) continue;
  const participants = servers.filter((s) => s.contender.cases.includes(kase.id));
  for (const p of participants) {
    const verified = await load(kase.request(p.credentials), settings.verifySeconds, settings.connections, p.server.url, true);
    assertClean(verified, `${kase.id} on ${p.contender.id} (verification)`, true);
    p.status = verified.firstStatus;
  }
  const runs = new Map(participants.map((p) => [p.contender.id, []]));
  for (let rep = 0; rep < settings.reps; rep++) {
    for (const p of participants) {
      const cpuBefore = p.server.cpuSeconds();
      const coresBefore = coreTicks();
      const result = await load(kase.request(p.credentials), settings.durationSeconds, settings.connections, p.server.url);
      const cpu = p.server.cpuSeconds() - cpuBefore;
      const coresAfter = coreTicks();
      const loadCore = coreUse(coresBefore, coresAfter, settings.loadCore);
      const serverCore = coreUse(coresBefore, coresAfter, settings.serverCore);
      assertClean(result, `${kase.id} on ${p.contender.id}`, false);
      runs.get(p.contender.id).push({
        rps: result.rps,
        cpuUsPerRequest: (cpu * 1e6) / result.requests,
        cpuShare: cpu / (result.durationUs / 1e6),
        p50Us: result.p50Us,
        p99Us: result.p99Us,
        loadCoreBusy: loadCore?.busy ?? NaN,
        serverCoreBusy: serverCore?.busy ?? NaN,
        steal: ((loadCore?.steal ?? 0) + (serverCore?.steal ?? 0)) / 2,
      });
    }
    log(`${kase.id} rep ${rep + 1}/${settings.reps}: ${participants.map((p) => `${p.contender.id} ${Math.round(runs.get(p.contender.id)[rep].rps)}`).join(', ')}`);
  }
  caseResults.push({ kase, participants: participants.map((p) => ({ contender: p.contender, status: p.status, ...summariseRuns(runs.get(p.contender.id)) })) });
}

function summariseRuns(runs) {
  const pick = (key) => runs.map((run) => run[key]);
  return {
    runs,
    rps: median(pick('rps')),
    rpsMin: Math.min(...pick('rps')),
    rpsMax: Math.max(...pick('rps')),
    cpuUsPerRequest: median(pick('cpuUsPerRequest')),
    cpuShare: median(pick('cpuShare')),
    p50Us: median(pick('p50Us')),
    p99Us: median(pick('p99Us')),
    loadCoreBusy: median(pick('loadCoreBusy')),
    serverCoreBusy: median(pick('serverCoreBusy')),
    steal: median(pick('steal')),
  };
}

// ---- login: hashing while authenticated reads run ----------------------------------------------------
const loginResults = [];
if (selectedCases.has('login') && !skip.has('login')) {
  const meCase = CASES.find((c) => c.id === 'me');
  for (const p of servers.filter((s) => s.contender.cases.includes('login'))) {
    const loginRequest = p.contender.loginRequest(p.credentials);
    const verified = await load(loginRequest, 1, 1, p.server.url, true);
    assertClean(verified, `login on ${p.contender.id} (verification)`, true);
    const reps = [];
    for (let rep = 0; rep < settings.reps; rep++) {
      const idle = await load(meCase.request(p.credentials), settings.durationSeconds, 1, p.server.url);
      const cpuBefore = p.server.cpuSeconds();
      const [logins, during] = await Promise.all([
        load(loginRequest, settings.durationSeconds, 2, p.server.url),
        load(meCase.request(p.credentials), settings.durationSeconds, 1, p.server.url),
      ]);
      const cpu = p.server.cpuSeconds() - cpuBefore;
      assertClean(idle, `GET /auth/me on ${p.contender.id} (before logins)`, false);
      assertClean(logins, `login on ${p.contender.id}`, false);
      assertClean(during, `GET /auth/me on ${p.contender.id} (during logins)`, false);
      reps.push({ loginRps: logins.rps, loginP50Us: logins.p50Us, meIdleP99Us: idle.p99Us, meDuringP99Us: during.p99Us, meDuringRps: during.rps, meIdleRps: idle.rps, cpuShare: cpu / settings.durationSeconds });
    }
    const pick = (key) => median(reps.map((r) => r[key]));
    loginResults.push({
      contender: p.contender,
      loginRps: pick('loginRps'),
      loginP50Us: pick('loginP50Us'),
      meIdleP99Us: pick('meIdleP99Us'),
      meDuringP99Us: pick('meDuringP99Us'),
      meIdleRps: pick('meIdleRps'),
      meDuringRps: pick('meDuringRps'),
      cpuShare: pick('cpuShare'),
    });
    log(`login on ${p.contender.id}: ${pick('loginRps').toFixed(1)} logins/s, /auth/me p99 ${(pick('meIdleP99Us') / 1000).toFixed(2)} ms idle, ${(pick('meDuringP99Us') / 1000).toFixed(2)} ms during logins`);
  }
}

await Promise.all(servers.map((s) => s.server.stop()));

// ---- in-process: micro-benchmarks, 100,000 sessions ---------------------------------------------------
let micro = null;
if (!skip.has('micro')) {
  log('micro-benchmarks…');
  micro = await runNodeJson(join(here, 'micro.mjs'), [], { core: settings.serverCore });
}
let scale = null;
if (!skip.has('scale')) {
  log('100,000-session check…');
  scale = await runNodeJson(join(here, 'sessions-scale.mjs'), [], { core: settings.serverCore, nodeFlags: ['--expose-gc'], env: quick ? { BENCH_SESSIONS: '20000' } : {} });
}

// ---- targets, and a CPU profile of crossauth wherever one is missed -----------------------------------
const targets = evaluateTargets({ caseResults, scale, unavailable, all });
const profiles = [];
if (!skip.has('profile')) {
  const missedCases = [...new Set(targets.filter((t) => (t.met === false || t.metCpu === false) && t.profileCase !== undefined).map((t) => t.profileCase))];
  for (const caseId of missedCases) {
    const kase = CASES.find((c) => c.id === caseId);
    const contender = chosen.find((c) => c.id === 'crossauth-sqlite');
    if (kase === undefined || contender === undefined) continue;
    log(`profiling crossauth-sqlite on ${caseId} (a target was missed)…`);
    const dir = join(profileDir, caseId);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const server = await startServer(contender.id, { core: settings.serverCore, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    const credentials = await contender.prepare(new Client(server.url));
    await load(kase.request(credentials), 1, settings.connections, server.url); // warm up
    const result = await load(kase.request(credentials), settings.durationSeconds, settings.connections, server.url);
    assertClean(result, `${caseId} on crossauth-sqlite (profiling)`, false);
    await server.stop();
    const file = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).map((name) => join(dir, name)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (file !== undefined) profiles.push({ caseId, file: file.slice(root.length + 1), summary: summariseProfile(file) });
  }
}

const machineAfter = machineSnapshot();
const run = {
  quick,
  settings,
  generator,
  startedAt,
  machineBefore,
  machineAfter,
  caseResults,
  loginResults,
  micro,
  scale,
  targets,
  profiles,
  unavailable,
  chosen,
};
writeReport(out, run);
// Functions (request builders, start/prepare) drop out; what the report needs is plain data.
writeFileSync(rawFile, JSON.stringify(run, null, 1) + '\n');
log(`wrote ${out.slice(root.length + 1)}`);
for (const target of targets) {
  const verdict = target.met === true ? 'MET   ' : target.met === false ? 'MISSED' : 'n/a   ';
  log(`${verdict} ${target.text}: ${target.shown}${target.shownCpu ? ` (by CPU/request ${target.shownCpu}${target.metCpu ? ', met' : ', missed'})` : ''}`);
}
process.exit(0);
