import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_ORIGIN } from '../../cli/test/harness.js';

/**
 * Node's fetch keeps no cookies and sends no `Origin`. This wraps it into a small stand-in for a browser
 * page at `origin`: a cookie jar per host, used only when the request says `credentials: 'include'`, as a
 * browser does for cross-origin fetches. `keepCookies: false` is the browser that drops the API's cookies
 * (Safari's ITP, an iOS web view). Every call is recorded for assertions.
 */
/** Node's own fetch, captured before a test swaps the global for the stand-in (Angular's FetchBackend calls the global). */
const nodeFetch = globalThis.fetch;

export interface RecordedCall {
  method: string;
  url: string;
  path: string;
  headers: Headers;
  credentials: RequestInit['credentials'];
  body: string | undefined;
}

export function browserFetch(options: { origin?: string; keepCookies?: boolean; tamper?: (call: RecordedCall) => void } = {}) {
  const origin = options.origin ?? APP_ORIGIN;
  const jars = new Map<string, Map<string, string>>();
  const calls: RecordedCall[] = [];

  async function browserLikeFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    // Normalised through Request, so callers that hand over a Request (axios's fetch adapter) look the same.
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set('Origin', origin);
    const jar = jars.get(url.host) ?? new Map<string, string>();
    jars.set(url.host, jar);
    const include = request.credentials === 'include';
    if (include && jar.size > 0) headers.set('Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const text = request.body === null ? undefined : await request.text();
    const body = text === '' ? undefined : text;
    const call: RecordedCall = { method: request.method, url: url.href, path: url.pathname, headers, credentials: request.credentials, body };
    options.tamper?.(call);
    calls.push(call);
    const response = await nodeFetch(url, { method: call.method, headers, body, redirect: 'manual' });
    if (include && options.keepCookies !== false) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))) jar.delete(name);
        else jar.set(name, pair.slice(eq + 1).trim());
      }
    }
    return response;
  }

  return {
    fetch: browserLikeFetch as typeof fetch,
    calls,
    jars,
    /** Recorded calls to one path. */
    to: (path: string) => calls.filter((call) => call.path === path),
  };
}

/** A third-party server the app also calls: it records what it received and answers 200 `{}`. */
export async function startThirdParty() {
  const received: { method: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
