import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/**
 * One raw HTTP exchange, as a browser would put it on the wire. node:http rather than fetch: undici's
 * fetch refuses to set `Origin` and the other forbidden request headers that the doctor must send, and
 * merges Set-Cookie lines that the doctor must judge one by one.
 */

export interface ProbeRequest {
  method: string;
  url: URL;
  /** Header names as the browser spells them; `Host` is added from the URL. */
  headers: Record<string, string>;
  body?: string;
}

export interface ProbeAnswer {
  status: number;
  /** Header pairs in wire order, names lower-cased, duplicates kept. */
  headers: [string, string][];
  /** Every Set-Cookie line, one per cookie. */
  setCookies: string[];
  /** The body, cut at 64 KiB. */
  body: string;
}

export type FailureKind = 'timeout' | 'refused' | 'dns' | 'tls' | 'other';

export interface NetworkFailure {
  kind: FailureKind;
  /** What went wrong, in words, for the report (never a stack trace). */
  message: string;
}

export type ProbeResult = { ok: true; answer: ProbeAnswer } | { ok: false; failure: NetworkFailure };

export interface ProbeOptions {
  /** `host:port` → address, as curl's `--resolve`. */
  resolve: ReadonlyMap<string, string>;
  /** Whole-exchange timeout in milliseconds. */
  timeoutMs: number;
}

const BODY_LIMIT = 64 * 1024;

/** All values of header `name` (lower-case), in order. */
export function headerValues(answer: ProbeAnswer, name: string): string[] {
  return answer.headers.filter(([key]) => key === name).map(([, value]) => value);
}

/** The header's values joined as one field (RFC 9110 §5.3), or `undefined` when absent. */
export function header(answer: ProbeAnswer, name: string): string | undefined {
  const values = headerValues(answer, name);
  return values.length === 0 ? undefined : values.join(', ');
}

/** A comma-separated header as a list of trimmed, non-empty items. */
export function headerList(answer: ProbeAnswer, name: string): string[] {
  return (header(answer, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function lookupFor(address: string): LookupFunction {
  const family = isIP(address) === 6 ? 6 : 4;
  // Node 20 connects with autoSelectFamily, which asks for `all` addresses; older paths ask for one.
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all === true) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

function describe(error: NodeJS.ErrnoException, url: URL): NetworkFailure {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return { kind: 'refused', message: `connection refused by ${url.host} (nothing listens there?)` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', message: `the name ${url.hostname} does not resolve (${code})` };
  if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code) || /certificate|ssl|tls/i.test(error.message)) {
    return { kind: 'tls', message: `TLS failed with ${url.host}: ${error.message}` };
  }
  return { kind: 'other', message: `${error.message}${code !== '' && !error.message.includes(code) ? ` (${code})` : ''}` };
}

export function probe(request: ProbeRequest, options: ProbeOptions): Promise<ProbeResult> {
  const { url } = request;
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? '443' : '80') : url.port;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const pinned = options.resolve.get(`${hostname.toLowerCase()}:${port}`);
  const requestOptions: RequestOptions = {
    method: request.method,
    host: hostname,
    port,
    path: url.pathname + url.search,
    headers: { ...request.headers },
    agent: false,
    ...(pinned !== undefined ? { lookup: lookupFor(pinned) } : {}),
  };
  if (request.body !== undefined) (requestOptions.headers as Record<string, string>)['Content-Length'] = String(Buffer.byteLength(request.body));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        const headers: [string, string][] = [];
        for (let index = 0; index + 1 < res.rawHeaders.length; index += 2) {
          headers.push([res.rawHeaders[index]!.toLowerCase(), res.rawHeaders[index + 1]!]);
        }
        finish({
          ok: true,
          answer: {
            status: res.statusCode ?? 0,
            headers,
            setCookies: headers.filter(([name]) => name === 'set-cookie').map(([, value]) => value),
            body: Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT),
          },
        });
      });
      res.on('error', (error) => finish({ ok: false, failure: describe(error, url) }));
    };
    const req = secure ? httpsRequest(requestOptions, onResponse) : httpRequest(requestOptions, onResponse);
    const timer = setTimeout(() => {
      finish({ ok: false, failure: { kind: 'timeout', message: `${request.method} ${url.href} got no answer within ${options.timeoutMs} ms` } });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (error) => finish({ ok: false, failure: describe(error, url) }));
    req.end(request.body);
  });
}
