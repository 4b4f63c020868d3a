// Writes RESULTS.md from one run's numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { CASES, LOGIN_CASE } from './cases.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Load average and the kernel's CPU counters, to tell how busy (and how stolen-from) the machine was. */
export function machineSnapshot() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { at: Date.now(), loadavg: loadavg(), cpuTicks: fields };
}

function version(name) {
  const file = join(root, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : 'missing';
}

function git(args) {
  const result = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

const f0 = (n) => Math.round(n).toLocaleString('en-US');
const f1 = (n) => n.toFixed(1);
const f2 = (n) => n.toFixed(2);
const ms = (us) => (us / 1000).toFixed(2);
const pct = (share) => `${(share * 100).toFixed(1)}%`;
const yesNo = (met) => (met === true ? 'yes' : met === false ? '**no**' : 'n/a');
const cell = (text) => String(text).replaceAll('|', '\\|');

function caseTable({ kase, participants }, bare) {
  const lines = [
    `### ${kase.title}`,
    '',
    kase.measures,
    '',
    '| contender | status | req/s (median) | min–max | × bare | server CPU µs/req | CPU × bare | server process CPU | server core busy | load core busy | stolen | p99 ms |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const p of participants) {
    const baseline = participants.find((q) => q.contender.id === (p.contender.baseline ?? 'bare')) ?? bare;
    const ratio = baseline === undefined || p === baseline ? '1' : f2(p.rps / baseline.rps);
    const cpuRatio = baseline === undefined || p === baseline ? '1' : f2(baseline.cpuUsPerRequest / p.cpuUsPerRequest);
    lines.push(
      `| ${cell(p.contender.label)} | ${p.status} | ${f0(p.rps)} | ${f0(p.rpsMin)}–${f0(p.rpsMax)} | ${ratio} | ${f1(p.cpuUsPerRequest)} | ${cpuRatio} | ${pct(p.cpuShare)} | ${pct(p.serverCoreBusy)} | ${pct(p.loadCoreBusy)} | ${pct(p.steal)} | ${ms(p.p99Us)} |`,
    );
  }
  lines.push(
    '',
    '"CPU × bare" is bare\'s CPU per request divided by the contender\'s: the ratio that does not compress when the load generator, not the server, is the bottleneck. "server process CPU" is the server\'s own share of its core; below ~90% the server was not saturated (other work on its core, or a starved load generator: see the core columns), and the req/s ratios are compressed.',
    '',
  );
  return lines;
}

export function writeReport(file, run) {
  const { settings, generator, machineBefore, machineAfter, caseResults, loginResults, micro, scale, targets, profiles, unavailable, chosen } = run;
  const ticks = machineAfter.cpuTicks.map((value, i) => value - machineBefore.cpuTicks[i]);
  const totalTicks = ticks.reduce((a, b) => a + b, 0);
  const steal = totalTicks > 0 ? (ticks[7] ?? 0) / totalTicks : 0;
  const busy = totalTicks > 0 ? 1 - ((ticks[3] ?? 0) + (ticks[4] ?? 0)) / totalTicks : 0;
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', 'packages']) !== '';
  const minutes = (machineAfter.at - run.startedAt) / 60_000;
  const byId = (id) => caseResults.flatMap((c) => c.participants).find((p) => p.contender.id === id);

  const lines = [
    '# crossauth benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.mjs) on ${new Date(machineAfter.at).toISOString()}, in ${minutes.toFixed(1)} minutes.` +
      (run.quick ? ' **Quick run (development settings): not a result to quote.**' : '') +
      ' Do not edit by hand: the next run overwrites it; the hand-written analysis lives in bench/ANALYSIS.md and is copied in at the end.',
    '',
    '## Machine and versions',
    '',
    `- Machine: ${availableParallelism()} cores (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}.`,
    `- Load: load average ${machineBefore.loadavg.map(f2).join(' ')} at the start, ${machineAfter.loadavg.map(f2).join(' ')} at the end; during the run the machine was ${pct(busy)} busy overall, ${pct(steal)} of CPU time stolen by the hypervisor. Other work on the machine shows up as noise in every number; the interleaving and the medians are there to spread it evenly.`,
    `- Node.js ${process.version}; ${generator.tool} ${generator.version}${generator.note ? ` (${generator.note})` : ''}.`,
    `- crossauth: @crossauth/server ${version('@crossauth/server')}, git ${commit}${dirty ? ' with uncommitted changes in packages/' : ''}; better-sqlite3 ${version('better-sqlite3')}; @node-rs/argon2 ${version('@node-rs/argon2')}.`,
    `- Peers: express ${version('express')}, cors ${version('cors')}, express-session ${version('express-session')}, csrf-csrf ${version('csrf-csrf')}, cookie-parser ${version('cookie-parser')}; fastify ${version('fastify')}, @fastify/cors ${version('@fastify/cors')}, @fastify/session ${version('@fastify/session')}, @fastify/cookie ${version('@fastify/cookie')}, @fastify/csrf-protection ${version('@fastify/csrf-protection')}; better-auth ${version('better-auth')}.`,
    '',
    '## Method',
    '',
    `Each contender is its own node process on 127.0.0.1, pinned to core ${settings.serverCore} with taskset; the load generator (${generator.tool}, one thread, ${settings.connections} keep-alive connections) is pinned to core ${settings.loadCore}. ` +
      `Every case first runs ${settings.verifySeconds} s with a Lua script that inspects every answer and aborts the run on any non-2xx (it also warms the JIT); then each contender runs ${settings.durationSeconds} s, ${settings.reps} times, interleaved (A B C A B C …). ` +
      'Numbers are medians over the repetitions; ratios are against bare node:http measured in the same run. Server CPU per request is the growth of utime+stime in /proc/<pid>/stat (all threads) over the run, divided by the requests answered. Before timing, each protected stack must refuse a POST without a CSRF token (and from a foreign origin) with a 4xx.',
    '',
    '## Targets',
    '',
    'Judged on req/s, as the issue asks, and beside it on server CPU per request, which does not compress when the server is not saturated.',
    '',
    '| target | this run (req/s) | met | by CPU per request | met |',
    '|---|---|---|---|---|',
    ...targets.map((t) => `| ${cell(t.text)} | ${cell(t.shown)} | ${yesNo(t.met)} | ${cell(t.shownCpu ?? '')} | ${t.shownCpu ? yesNo(t.metCpu) : ''} |`),
    '',
    '## Load cases',
    '',
  ];
  for (const result of caseResults) lines.push(...caseTable(result, result.participants.find((p) => p.contender.id === 'bare')));

  const notes = byId('crossauth-sqlite') && caseResults.find((c) => c.kase.id === 'notes')?.participants.find((p) => p.contender.id === 'crossauth-sqlite');
  const echo = caseResults.find((c) => c.kase.id === 'echo')?.participants.find((p) => p.contender.id === 'crossauth-sqlite');
  if (notes && echo) {
    lines.push(
      `The SQLite write beside the protected POST: crossauth spends ${f1(echo.cpuUsPerRequest)} µs of CPU per echo and ${f1(notes.cpuUsPerRequest)} µs per note, so the INSERT (plus the notes route) costs about ${f1(notes.cpuUsPerRequest - echo.cpuUsPerRequest)} µs per request.`,
      '',
    );
  }

  if (loginResults.length > 0) {
    lines.push(
      `### ${LOGIN_CASE.title}`,
      '',
      LOGIN_CASE.measures,
      '',
      '| contender | logins/s | login p50 ms | GET /auth/me p99 ms, alone | p99 ms, during logins | GET req/s alone → during | server CPU use |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...loginResults.map(
        (r) =>
          `| ${cell(r.contender.label)} | ${f1(r.loginRps)} | ${ms(r.loginP50Us)} | ${ms(r.meIdleP99Us)} | ${ms(r.meDuringP99Us)} | ${f0(r.meIdleRps)} → ${f0(r.meDuringRps)} | ${pct(r.cpuShare)} |`,
      ),
      '',
    );
    if (micro !== null) {
      lines.push(
        `crossauth's hash time: one argon2id verification (m=${micro.hashParams.memoryCostKiB} KiB, t=${micro.hashParams.timeCost}, p=${micro.hashParams.parallelism}) takes ${f1(micro.hashMs)} ms in-process (median of 8), at most ${micro.hashParams.maxConcurrent} at once. ` +
          'The hashes run on libuv\'s thread pool, which taskset pins to the same core as the event loop here, so reads slow down by CPU sharing; a p99 well below the hash time shows the event loop itself is not blocked.',
        '',
      );
    }
  }

  if (micro !== null) {
    lines.push('## Micro-benchmarks (in-process, built packages/server, pinned to the server core)', '', '| operation | ns/op (median) | min–max | note |', '|---|---:|---:|---|');
    for (const m of micro.results) {
      lines.push(m.nsPerOp === null ? `| ${cell(m.title)} | – | – | ${cell(m.note)} |` : `| ${cell(m.title)} | ${f0(m.nsPerOp)} | ${f0(m.min)}–${f0(m.max)} | ${cell(m.note)} |`);
    }
    lines.push('');
  }

  if (scale !== null) {
    lines.push(
      `## ${scale.largeSessions.toLocaleString('en-US')} live sessions in SQLite`,
      '',
      `Two SQLite files in one process (${scale.smallSessions.toLocaleString('en-US')} and ${scale.largeSessions.toLocaleString('en-US')} live sessions), session validation through \`auth.core.sessions.validate\` over 1,000 tokens spread across each table, measured alternately in ${scale.smallRounds.length} paired rounds.`,
      '',
      `- Validation: ${f1(scale.smallNsPerValidation / 1000)} µs with ${scale.smallSessions.toLocaleString('en-US')}, ${f1(scale.largeNsPerValidation / 1000)} µs with ${scale.largeSessions.toLocaleString('en-US')} (median of the paired ratios: ${scale.slowdown >= 0 ? '+' : ''}${(scale.slowdown * 100).toFixed(1)}%).`,
      `- Memory (RSS after GC): ${f1(scale.rssStartBytes / 2 ** 20)} MB at start, ${f1(scale.rssIdleBytes / 2 ** 20)} MB idle (store open, ${scale.smallSessions.toLocaleString('en-US')} sessions, warmed), ${f1(scale.rssLargeBytes / 2 ** 20)} MB with ${scale.largeSessions.toLocaleString('en-US')} more: +${f1(scale.rssGrowthBytes / 2 ** 20)} MB.`,
      '',
    );
  }

  lines.push('## Not measured yet', '');
  for (const c of unavailable) lines.push(`- ${c.label} (\`bench/contenders/${c.id}.mjs\`): ${c.unavailable}.`);
  const skippedBaselines = ['express-bare', 'fastify-bare', 'hono-bare'].filter((id) => !chosen.some((c) => c.id === id));
  if (skippedBaselines.length > 0) lines.push(`- ${skippedBaselines.join(', ')}: baselines of the framework adapters; they run as soon as an adapter contender is available.`);
  lines.push(
    '- express and fastify stacks: login, since neither stack hashes passwords by itself (their login route here only writes the session).',
    '- better-auth: the POST /api/notes case (no notes route), and a CSRF token (better-auth checks Origin only).',
    '',
  );

  if (profiles.length > 0) {
    lines.push('## CPU profiles of crossauth where a target was missed', '', 'From `node --cpu-prof` on the crossauth SQLite server during the case (the .cpuprofile files open in Chrome DevTools). Shares are of all non-idle samples.', '');
    for (const profile of profiles) {
      const s = profile.summary;
      lines.push(
        `### ${CASES.find((c) => c.id === profile.caseId)?.title ?? profile.caseId} — \`${profile.file}\``,
        '',
        `By origin: ${s.byCategory.map((c) => `${cell(c.name)} ${pct(c.share)}`).join(' · ')}.`,
        '',
        '| top self time | share |',
        '|---|---:|',
        ...s.topSelf.map((t) => `| ${cell(t.name)} | ${pct(t.share)} |`),
        '',
        '| crossauth functions, inclusive time | share |',
        '|---|---:|',
        ...s.topCrossauthInclusive.map((t) => `| ${cell(t.name)} | ${pct(t.share)} |`),
        '',
      );
    }
  }

  const analysis = join(root, 'bench', 'ANALYSIS.md');
  if (existsSync(analysis)) lines.push('## Notes (hand-written, from bench/ANALYSIS.md)', '', readFileSync(analysis, 'utf8').replace(/^# .*\n+/, '').trim(), '');
  writeFileSync(file, lines.join('\n'));
}
