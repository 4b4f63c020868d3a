import type { FindingList } from './findings.js';
import { probe, type ProbeAnswer, type ProbeOptions } from './http-probe.js';
import type { Topology } from './topology.js';

/**
 * The requests a browser puts on the wire for `fetch(url, { credentials: 'include' })` from the app's
 * page: `Origin`, the `Sec-Fetch-*` metadata (crossauth's origin check reads `Sec-Fetch-Site`), and a
 * preflight with no cookies and no credentials before any non-simple request (Fetch standard).
 */

/** Value sent for a header the app names with `--header`; only its presence matters to CORS. */
const PLACEHOLDER = 'crossauth-doctor';

export class Browser {
  /** Set once the API could not be reached; every later step is skipped. */
  unreachable = false;

  constructor(
    readonly topology: Topology,
    readonly list: FindingList,
    readonly probeOptions: ProbeOptions,
  ) {}

  private metadata(origin: string): Record<string, string> {
    const site = origin !== this.topology.app.origin ? 'cross-site' : this.topology.relation;
    return { Origin: origin, Accept: '*/*', 'Sec-Fetch-Mode': 'cors', 'Sec-Fetch-Site': site, 'Sec-Fetch-Dest': 'empty', 'User-Agent': 'crossauth-doctor' };
  }

  /** One exchange; a network failure becomes a `network.*` finding and `undefined` when `essential`. */
  async send(method: string, url: URL, headers: Record<string, string>, body: string | undefined, essential: boolean): Promise<ProbeAnswer | undefined> {
    const result = await probe({ method, url, headers, body }, this.probeOptions);
    if (result.ok) return result.answer;
    if (essential) {
      this.unreachable = true;
      const id = result.failure.kind === 'timeout' ? 'network.timeout' : 'network.unreachable';
      this.list.add(id, `${method} ${url.href}: ${result.failure.message}.`);
    }
    return undefined;
  }

  /** The preflight for `method` with `requestHeaders` (already filtered to the unsafe names, sorted). */
  preflight(url: URL, method: string, requestHeaders: readonly string[]): Promise<ProbeAnswer | undefined> {
    const headers = this.metadata(this.topology.app.origin);
    headers['Access-Control-Request-Method'] = method;
    if (requestHeaders.length > 0) headers['Access-Control-Request-Headers'] = requestHeaders.join(',');
    return this.send('OPTIONS', url, headers, undefined, true);
  }

  /**
   * The credentialed request itself. `values` gives real values (a CSRF token, a cookie); other
   * named headers get a placeholder. Methods with a JSON body send `{}` unless `body` is given.
   */
  request(
    url: URL,
    method: string,
    requestHeaders: readonly string[],
    options: { values?: Record<string, string>; cookie?: string; body?: string; origin?: string; essential?: boolean } = {},
  ): Promise<ProbeAnswer | undefined> {
    const headers = this.metadata(options.origin ?? this.topology.app.origin);
    const values = Object.fromEntries(Object.entries(options.values ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    for (const name of requestHeaders) {
      if (name === 'content-type') headers['Content-Type'] = 'application/json';
      else if (name === 'authorization') headers.Authorization = values[name] ?? `Bearer ${PLACEHOLDER}`;
      else headers[name] = values[name] ?? PLACEHOLDER;
    }
    if (options.cookie !== undefined) headers.Cookie = options.cookie;
    const body = requestHeaders.includes('content-type') ? (options.body ?? '{}') : undefined;
    return this.send(method, url, headers, body, options.essential ?? true);
  }
}
