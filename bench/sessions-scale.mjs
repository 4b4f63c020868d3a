// The 100,000-live-sessions check on SQLite: validation time with 100,000 sessions vs 1,000 (target: within
// 10%), and the process's memory with 100,000 vs idle (target: within 50 MB). Two database files in one
// process, measured alternately (A B A B …) so drift on a shared machine hits both alike. Run with
// --expose-gc by run.mjs, pinned to the server core; prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { createAuth } from '@crossauth/server';
import { sqliteStore } from '@crossauth/server/stores/sqlite';
import { APP_ORIGIN, BENCH_SECRET, USER } from './lib/constants.mjs';
import { median, nsPerOp } from './lib/measure.mjs';

const LARGE = Number(process.env.BENCH_SESSIONS ?? 100_000);
const SMALL = 1_000;
const SAMPLE = 1_000;
const ROUNDS = 9;

const dataDir = mkdtempSync(join(tmpdir(), 'crossauth-scale-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

const settle = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().rss;
};

/** A SQLite store with `count` live sessions; keeps `SAMPLE` of their tokens, spread over the whole table. */
async function populate(file, count) {
  const store = sqliteStore({ filename: join(dataDir, file) });
  const auth = createAuth({ origins: [APP_ORIGIN], store, secret: BENCH_SECRET, onWarning: () => {} });
  await store.createUser({ id: 'u1', email: USER.email, passwordHash: 'unused', createdAt: Date.now() });
  const tokens = [];
  const every = Math.max(1, Math.floor(count / SAMPLE));
  for (let i = 0; i < count; i++) {
    const { token } = await auth.core.sessions.create('u1', false, Date.now());
    if (i % every === 0 && tokens.length < SAMPLE) tokens.push(token);
  }
  return { store, auth, tokens };
}

async function validation(target) {
  const { auth, tokens } = target;
  return nsPerOp(
    async (i) => {
      const record = await auth.core.sessions.validate(tokens[(i * 7919) % tokens.length], Date.now());
      if (record === null) throw new Error('scale: a live session did not validate');
    },
    { isAsync: true, samples: 3, sampleNs: 50e6 },
  );
}

const rssStart = settle();
const small = await populate('small.db', SMALL);
await validation(small); // warm the JIT and the statement cache
const rssIdle = settle();
const large = await populate('large.db', LARGE);
await validation(large);
const rssLarge = settle();

const smallNs = [];
const largeNs = [];
const pairedRatios = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which goes first, and compare each pair: drift on a shared machine cancels out.
  const first = round % 2 === 0 ? small : large;
  const a = (await validation(first)).nsPerOp;
  const b = (await validation(first === small ? large : small)).nsPerOp;
  const [s, l] = first === small ? [a, b] : [b, a];
  smallNs.push(s);
  largeNs.push(l);
  pairedRatios.push(l / s);
}
const rssAfter = settle();
await small.store.close();
await large.store.close();

const small1 = median(smallNs);
const large1 = median(largeNs);
process.stdout.write(
  `${JSON.stringify({
    smallSessions: SMALL,
    largeSessions: LARGE,
    smallNsPerValidation: small1,
    largeNsPerValidation: large1,
    slowdown: median(pairedRatios) - 1,
    smallRounds: smallNs,
    largeRounds: largeNs,
    rssStartBytes: rssStart,
    rssIdleBytes: rssIdle,
    rssLargeBytes: Math.max(rssLarge, rssAfter),
    rssGrowthBytes: Math.max(rssLarge, rssAfter) - rssIdle,
  })}\n`,
);
