// In-process micro-benchmarks of the hot path, against the BUILT packages/server (dist). Run by run.mjs,
// pinned to the server core; prints one JSON line. Standalone: `node bench/micro.mjs`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { SESSION_COOKIE, PRE_SESSION_COOKIE } from '@crossauth/protocol';
import { createAuth } from '@crossauth/server';
import { memoryStore } from '@crossauth/server/stores/memory';
import { sqliteStore } from '@crossauth/server/stores/sqlite';
import { CookieJar } from '../packages/server/dist/cookies/index.js';
import { compileCorsPolicy } from '../packages/server/dist/cors/index.js';
import { createPasswordHasher } from '../packages/server/dist/passwords/index.js';
import { APP_ORIGIN, BENCH_SECRET, USER } from './lib/constants.mjs';
import { median, nsPerOp } from './lib/measure.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'crossauth-micro-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const results = [];
const record = (id, title, measured, note = '') => results.push({ id, title, note, ...measured });

async function authOn(store, extra = {}) {
  const auth = createAuth({ origins: [APP_ORIGIN], store, secret: BENCH_SECRET, onWarning: () => {}, ...extra });
  await store.createUser({ id: 'u1', email: USER.email, passwordHash: 'unused', createdAt: Date.now() });
  const tokens = [];
  for (let i = 0; i < 1000; i++) tokens.push((await auth.core.sessions.create('u1', false, Date.now())).token);
  return { auth, store, tokens };
}

// Cookie parse: a realistic Cookie header (session, pre-session, readable CSRF cookie, an analytics cookie).
const token43 = 'PP7Xum5rXdrYY0sLxIZIX3fwXi1sKu-PZQ1X0fMPA9A';
const cookieHeader = `_ga=GA1.1.123456789.1700000000; __Host-${PRE_SESSION_COOKIE}=${token43}; XSRF-TOKEN=OdIIW-DHEmd4gjc8noT7tkCSzBfe62gLCGPOP0Upuei504V0SAgPZpwynPLaLPLvRZ-OwJH4L_tgn5iYoRaZeg; __Host-${SESSION_COOKIE}=${token43}`;
record('cookie-parse', 'cookie parse (4 cookies, read the session cookie)', await nsPerOp(() => new CookieJar(cookieHeader).read(SESSION_COOKIE)));

// Origin match: exact hit, pattern hit, miss — through the compiled CORS policy's allowlist.
const policy = compileCorsPolicy({ origins: [APP_ORIGIN, 'https://*.example.org', 'capacitor'] });
record('origin-exact', 'origin match, exact entry', await nsPerOp(() => policy.isAllowed(APP_ORIGIN)));
record('origin-pattern', 'origin match, https://*.example.org pattern', await nsPerOp(() => policy.isAllowed('https://app.example.org')));
record('origin-miss', 'origin match, refused origin', await nsPerOp(() => policy.isAllowed('https://evil.example.net')));

// Session validation: memory store hit, SQLite hit (guarded store, as in a request), and the raw SQLite read.
const memory = await authOn(memoryStore());
const sqliteRaw = sqliteStore({ filename: join(dataDir, 'micro.db') });
const sqlite = await authOn(sqliteRaw);
const pick = (tokens) => (i) => tokens[(i * 7919) % tokens.length];
const memoryToken = pick(memory.tokens);
const sqliteToken = pick(sqlite.tokens);
// The optional session cache (off by default) in front of SQLite: warm it, then every validation is a hit.
const cached = await authOn(sqliteStore({ filename: join(dataDir, 'micro-cached.db') }), { sessionCache: { ttlSeconds: 300 } });
const cachedToken = pick(cached.tokens);
for (const token of cached.tokens) await cached.auth.core.sessions.validate(token, Date.now());
record('session-cache', 'session validation, in-process cache hit (sessionCache on, SQLite behind it)', await nsPerOp((i) => cached.auth.core.sessions.validate(cachedToken(i), Date.now()), { isAsync: true }));
record('session-memory', 'session validation, memory store hit', await nsPerOp((i) => memory.auth.core.sessions.validate(memoryToken(i), Date.now()), { isAsync: true }));
record('session-sqlite', 'session validation, SQLite hit', await nsPerOp((i) => sqlite.auth.core.sessions.validate(sqliteToken(i), Date.now()), { isAsync: true }));
const { createHash } = await import('node:crypto');
const hashes = sqlite.tokens.map((t) => createHash('sha256').update(t).digest('hex'));
record('sqlite-get-raw', 'SQLite getSession without the store guard (part of the line above)', await nsPerOp((i) => sqliteRaw.getSession(hashes[i % hashes.length], Date.now()), { isAsync: true }));

// CSRF verify: a masked token bound to the session.
const [firstHash] = hashes;
const binding = { kind: 'session', idHash: firstHash };
const csrfToken = sqlite.auth.core.csrf.issue(binding);
record('csrf-verify', 'CSRF token verify (unmask + HMAC + constant-time compare)', await nsPerOp(() => sqlite.auth.core.csrf.verify(csrfToken, binding)));
record('csrf-issue', 'CSRF token issue (HMAC + random mask)', await nsPerOp(() => sqlite.auth.core.csrf.issue(binding)));

// The whole pipeline in-process: auth.handle for GET /auth/me, on a minimal RequestView, without HTTP.
function view(method, path, headers) {
  return {
    method,
    path,
    header: (name) => headers[name],
    headerCount: (name) => (headers[name] === undefined ? 0 : 1),
    remoteAddress: '127.0.0.1',
    secure: false,
  };
}
const noBody = async () => ({ kind: 'ok', bytes: Buffer.alloc(0) });
const meView = view('GET', '/auth/me', { host: '127.0.0.1:3000', origin: APP_ORIGIN, cookie: `__Host-${SESSION_COOKIE}=${sqlite.tokens[0]}` });
const check = await sqlite.auth.handle(meView, noBody);
if (check.kind !== 'respond' || check.verdict.status !== 200) throw new Error(`micro: GET /auth/me answered ${JSON.stringify(check)}`);
record('handle-me-sqlite', 'auth.handle GET /auth/me, SQLite (whole core, no HTTP)', await nsPerOp(() => sqlite.auth.handle(meView, noBody), { isAsync: true }));
const preflightView = view('OPTIONS', '/echo', { host: '127.0.0.1:3000', origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-csrf-token' });
record('handle-preflight', 'auth.handle preflight (whole core, no HTTP)', await nsPerOp(() => sqlite.auth.handle(preflightView, noBody), { isAsync: true }));

// Password hash time at the production parameters (argon2id m=19 MiB, t=2, p=1): one verify, alone.
const hasher = createPasswordHasher();
const phc = await hasher.hash(USER.password);
const verifyMs = [];
for (let i = 0; i < 8; i++) {
  const start = process.hrtime.bigint();
  await hasher.verify(phc, USER.password);
  verifyMs.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const hashMs = median(verifyMs);

await sqliteRaw.close();
process.stdout.write(`${JSON.stringify({ results, hashMs, hashParams: hasher.options })}\n`);
