import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { HOST_PREFIX, PRE_SESSION_COOKIE, SESSION_COOKIE } from '@crossauth/protocol';
import { Client, startTestServer, type Answer, type RequestOptions, type TestServer } from './harness.js';

/**
 * Generic helpers for the HTTP security suites (sessions, login, malformed input, persistence): cookie
 * parsing, a server-side watch of every status code, a record of stored-state writes, raw sockets, and a
 * client that claims a client address through `X-Forwarded-For` (for servers with `trustProxy`).
 */

export const SESSION = HOST_PREFIX + SESSION_COOKIE;
export const PRE = HOST_PREFIX + PRE_SESSION_COOKIE;
export const PLAIN_SESSION = SESSION_COOKIE;

export interface ParsedSetCookie {
  name: string;
  value: string;
  /** Attributes by lower-case name; flags map to `''`. */
  attributes: Map<string, string>;
  line: string;
}

export function parseSetCookie(line: string): ParsedSetCookie {
  const [pair = '', ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attributes = new Map<string, string>();
  for (const part of rest) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    if (at === -1) attributes.set(trimmed.toLowerCase(), '');
    else attributes.set(trimmed.slice(0, at).trim().toLowerCase(), trimmed.slice(at + 1).trim());
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes, line };
}

/** The Set-Cookie line of `name` in an answer, parsed; `undefined` when the answer does not set it. */
export function cookieOf(answer: Answer, name: string): ParsedSetCookie | undefined {
  return answer.cookies.map(parseSetCookie).find((cookie) => cookie.name === name);
}

/** The session token an answer sets (not a deletion), or `undefined`. */
export function sessionTokenOf(answer: Answer, name = SESSION): string | undefined {
  const cookie = cookieOf(answer, name);
  return cookie === undefined || cookie.value === '' ? undefined : cookie.value;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A well-formed session token (256 random bits, base64url) that the server never issued. */
export function forgedToken(): string {
  return Buffer.from(Array.from({ length: 32 }, () => Math.floor(Math.random() * 256))).toString('base64url');
}

/**
 * Every status code the server writes, seen from inside the server (so raw-socket requests count too).
 * `since(mark)` lists what came after a mark, so a test can check its own answers.
 */
export function watchStatuses(server: TestServer): { all: { method: string; url: string; status: number }[]; mark(): number; since(mark: number): { method: string; url: string; status: number }[] } {
  const all: { method: string; url: string; status: number }[] = [];
  server.server.on('request', (req, res) => {
    res.on('finish', () => all.push({ method: req.method ?? '', url: (req.url ?? '').slice(0, 200), status: res.statusCode }));
  });
  return { all, mark: () => all.length, since: (mark) => all.slice(mark) };
}

/** Names of store methods that change users, sessions, tokens or notes (not throttle counters). */
const STATE_WRITES = [
  'createUser',
  'updatePasswordHash',
  'createSession',
  'touchSession',
  'deleteSession',
  'deleteUserSessions',
  'createToken',
  'touchToken',
  'deleteToken',
  'deleteUserTokens',
  'createRefreshToken',
  'consumeRefreshToken',
  'deleteRefreshFamily',
] as const;

/**
 * Records every call that changes stored state (users, sessions, tokens, notes), by wrapping the
 * store object the server's core uses and the notes repository of the reference server.
 */
export function recordStateWrites(server: TestServer): { calls: string[]; reset(): void } {
  const calls: string[] = [];
  const store = server.auth.core.store as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of STATE_WRITES) {
    const original = store[name];
    if (typeof original !== 'function') continue;
    store[name] = (...args: unknown[]) => {
      calls.push(name);
      return original.apply(store, args);
    };
  }
  const notes = server.opened.notes as unknown as Record<string, (...args: unknown[]) => unknown>;
  const add = notes.add!;
  notes.add = (...args: unknown[]) => {
    calls.push('notes.add');
    return add.apply(notes, args);
  };
  return { calls, reset: () => void calls.splice(0) };
}

export interface RawAnswer {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  head: string;
  body: string;
  /** Set-Cookie header values. */
  cookies: string[];
  ms: number;
}

/**
 * Writes bytes to the server on a plain TCP socket and reads until the server closes (send
 * `Connection: close`). For requests node:http's client would refuse or rewrite.
 */
export function rawRequest(baseUrl: string, bytes: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw request timed out'));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while we still write (e.g. 431): what it answered before that is what counts.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const body = split === -1 ? '' : text.slice(split + 4);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      const cookies = head
        .split('\r\n')
        .filter((line) => /^set-cookie:/i.test(line))
        .map((line) => line.slice(line.indexOf(':') + 1).trim());
      resolve({ status: status === null ? 0 : Number(status[1]), head, body, cookies, ms: performance.now() - started });
    });
    socket.write(bytes);
  });
}

/** A raw HTTP/1.1 request text with `Connection: close`, from header pairs. */
export function rawHttp(method: string, path: string, host: string, headers: [string, string][], body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...headers.map(([name, value]) => `${name}: ${value}`)];
  if (body !== '' && !headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A browser-like client that also claims a client address through `X-Forwarded-For`. */
export class AddressedClient extends Client {
  constructor(
    baseUrl: string,
    public address: string,
    origin?: string,
  ) {
    super(baseUrl, origin);
  }

  override request(path: string, options: RequestOptions & { csrf?: boolean } = {}): Promise<Answer> {
    const pairs: [string, string][] = Array.isArray(options.headers) ? [...options.headers] : Object.entries(options.headers ?? {});
    if (!pairs.some(([name]) => name.toLowerCase() === 'x-forwarded-for')) pairs.push(['X-Forwarded-For', this.address]);
    return super.request(path, { ...options, headers: pairs });
  }
}

let addressCounter = 0;
/** A fresh private IPv4 address per call (10.0.0.1, 10.0.0.2, …), so throttle counters never collide between tests. */
export function uniqueAddress(): string {
  addressCounter += 1;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

/** What an error body must look like: the catalogue shape, no stack trace, no source paths. */
export function isCleanError(answer: Answer, code: string): boolean {
  return (
    answer.json !== undefined &&
    answer.json.error?.code === code &&
    typeof answer.json.error?.message === 'string' &&
    Object.keys(answer.json).length === 1 &&
    !/\bat .+:\d+:\d+|node_modules|\.ts:\d+|Error:/.test(answer.text)
  );
}

export type StatusWatch = ReturnType<typeof watchStatuses>;

/**
 * Starts test servers for one test file and remembers them: every status each one wrote (for the
 * "never a 500" sweep), and closing them all at the end (a server a test closed itself is skipped).
 */
export function serverPool() {
  const entries: { server: TestServer; watch: StatusWatch; closed: boolean }[] = [];
  return {
    async start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
      const server = await startTestServer(options);
      const entry = { server, watch: watchStatuses(server), closed: false };
      entries.push(entry);
      const close = server.close.bind(server);
      server.close = async () => {
        if (entry.closed) return;
        entry.closed = true;
        await close();
      };
      return server;
    },
    /** Every answer with a 5xx status, from every server of the pool. */
    serverErrors(): { method: string; url: string; status: number }[] {
      return entries.flatMap((entry) => entry.watch.all.filter((answer) => answer.status >= 500));
    },
    /** How many answers the pool's servers wrote in all. */
    answered(): number {
      return entries.reduce((sum, entry) => sum + entry.watch.all.length, 0);
    },
    async closeAll(): Promise<void> {
      for (const entry of entries) await entry.server.close();
    },
  };
}
