import { request as httpRequest } from 'node:http';
import { startReferenceServer, type ReferenceServer, type ReferenceServerOverrides } from '@crossauth/cli';

/**
 * Test harness: a real reference server listening on loopback (memory store unless told otherwise),
 * with cheap password hashing and an injectable clock, plus a raw HTTP client that keeps cookies.
 */

export const APP_ORIGIN = 'https://app.example.com';
export const FAST_PASSWORDS = { memoryCostKiB: 1024, timeCost: 1 } as const;

export interface TestServer extends ReferenceServer {
  /** Moves the server's clock forward, in milliseconds. */
  advance(ms: number): void;
}

export async function startTestServer(
  options: { origins?: string[]; store?: string; publicUrl?: string; trustProxy?: boolean; secret?: string } & { overrides?: ReferenceServerOverrides } = {},
): Promise<TestServer> {
  let offset = 0;
  const running = await startReferenceServer(
    {
      port: 0,
      host: '127.0.0.1',
      origins: options.origins ?? [APP_ORIGIN, 'capacitor'],
      defaultOrigins: false,
      store: options.store ?? 'memory:',
      publicUrl: options.publicUrl,
      trustProxy: options.trustProxy ?? false,
      // `secret: undefined` given explicitly means "no secret", as without CROSSAUTH_SECRET (serve then
      // creates one beside a SQLite file); leaving the option out uses a fixed test secret.
      secret: 'secret' in options ? options.secret : 'test-secret-test-secret-test-secret-0123456789',
    },
    { passwords: FAST_PASSWORDS, clock: () => Date.now() + offset, onWarning: () => {}, ...options.overrides },
  );
  return Object.assign(running, { advance: (ms: number) => void (offset += ms) });
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Set-Cookie lines of this answer. */
  cookies: string[];
  text: string;
  /** Parsed JSON body, or `undefined`. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestOptions {
  method?: string;
  /** Header pairs; a name may repeat, to send duplicate headers. */
  headers?: [string, string][] | Record<string, string>;
  body?: string | Buffer;
  /** JSON body; sets Content-Type: application/json. */
  json?: unknown;
  /** Send `path` exactly as written (no URL parsing: `//a`, `/a/./b`, `%2e` stay as they are). */
  rawPath?: boolean;
}

/** One raw HTTP request with node:http (no fetch: it would refuse or rewrite some of the headers tests send). */
export function send(baseUrl: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const url = options.rawPath ? new URL(baseUrl) : new URL(path, baseUrl);
  const requestPath = options.rawPath ? path : url.pathname + url.search;
  const pairs: [string, string][] = Array.isArray(options.headers) ? [...options.headers] : Object.entries(options.headers ?? {});
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!pairs.some(([name]) => name.toLowerCase() === 'content-type')) pairs.push(['Content-Type', 'application/json']);
  }
  // With headers given as a raw list, node:http does not add Host itself.
  if (!pairs.some(([name]) => name.toLowerCase() === 'host')) pairs.unshift(['Host', url.host]);
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  // Nor does it frame a body for methods it does not chunk (GET, DELETE, OPTIONS…): unframed, the bytes
  // would be read as the next request on the kept-alive socket.
  if (body !== undefined && ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'].includes(method) && !pairs.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))) {
    pairs.push(['Content-Length', String(Buffer.byteLength(body))]);
  }
  const flat: string[] = [];
  for (const [name, value] of pairs) flat.push(name, value);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: requestPath, method, headers: flat },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, cookies: res.headers['set-cookie'] ?? [], text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${path}`)));
    req.end(body);
  });
}

/**
 * A browser-like client: a cookie jar (name → value, last Set-Cookie wins, Max-Age=0 deletes), an
 * `Origin` sent on every request, and the latest CSRF token picked up from `X-CSRF-Token`.
 */
export class Client {
  readonly jar = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(
    readonly baseUrl: string,
    public origin: string | undefined = APP_ORIGIN,
  ) {}

  cookieHeader(): string | undefined {
    if (this.jar.size === 0) return undefined;
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(path: string, options: RequestOptions & { csrf?: boolean } = {}): Promise<Answer> {
    const pairs: [string, string][] = Array.isArray(options.headers) ? [...options.headers] : Object.entries(options.headers ?? {});
    const cookie = this.cookieHeader();
    if (cookie !== undefined) pairs.push(['Cookie', cookie]);
    if (this.origin !== undefined) pairs.push(['Origin', this.origin]);
    if (options.csrf !== false && this.csrfToken !== undefined && (options.method ?? (options.json !== undefined || options.body !== undefined ? 'POST' : 'GET')) !== 'GET') {
      pairs.push(['X-CSRF-Token', this.csrfToken]);
    }
    const answer = await send(this.baseUrl, path, { ...options, headers: pairs });
    this.absorb(answer);
    return answer;
  }

  absorb(answer: Answer): void {
    for (const line of answer.cookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const deleted = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (deleted) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const token = answer.headers['x-csrf-token'];
    if (typeof token === 'string') this.csrfToken = token;
  }

  /** GET /auth/csrf, keeping the token. */
  csrf(): Promise<Answer> {
    return this.request('/auth/csrf');
  }

  async signup(email: string, password = 'correct horse battery', remember = false): Promise<Answer> {
    if (this.csrfToken === undefined) await this.csrf();
    return this.request('/auth/signup', { json: { email, password, remember } });
  }

  async login(email: string, password = 'correct horse battery', remember = false): Promise<Answer> {
    if (this.csrfToken === undefined) await this.csrf();
    return this.request('/auth/login', { json: { email, password, remember } });
  }
}

let counter = 0;
/** A fresh email address per call, so tests never collide. */
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}-${process.pid}-${Date.now()}-${counter}@example.com`;
}
