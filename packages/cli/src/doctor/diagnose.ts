import { ROUTES } from '@crossauth/protocol';
import { Browser } from './browser.js';
import { judgeCookies, type CookieJar } from './cookie-checks.js';
import { appRequestHeaders, judgeActual, judgePreflight, judgeProbes, needsPreflight, preflightHeaderNames, UNRELATED_ORIGIN } from './cors-checks.js';
import { judgeCsrfDelivery, readableToken } from './csrf-checks.js';
import { bySeverity, FindingList, type Finding } from './findings.js';
import { runLogin, type LoginRequest } from './login-flow.js';
import { topologyOf, type HybridPlatform, type Relation, type Topology } from './topology.js';

export interface DoctorOptions {
  /** The request the app makes: the API URL with the path to check. */
  url: URL;
  /** The app's origin, e.g. `https://app.example.com` or `capacitor://localhost`. */
  appOrigin: string;
  /** Upper-case method. Default GET. */
  method: string;
  /** Request header names the app sends beyond the ones the doctor adds itself. */
  headers: readonly string[];
  /** `host:port` → address, as curl's `--resolve`. */
  resolve: ReadonlyMap<string, string>;
  /** Per-exchange timeout in milliseconds. */
  timeoutMs: number;
  /** Log in through the crossauth contract as well. */
  login?: LoginRequest;
}

/** The `topology` object of the `--json` report. */
export interface TopologyReport {
  relation: Relation;
  appOrigin: string;
  apiOrigin: string;
  appSite: string;
  apiSite: string;
  hybrid: HybridPlatform | null;
  /** Whether the API URL is a secure context (https, or http on a loopback host). */
  apiSecureContext: boolean;
}

export interface Diagnosis {
  verdict: 'ok' | 'fail' | 'unreachable';
  target: { method: string; url: string; origin: string };
  topology: TopologyReport;
  findings: Finding[];
  /** Checks that found nothing wrong, in the order they ran. */
  passed: string[];
  durationMs: number;
}

function topologyReport(topology: Topology): TopologyReport {
  return {
    relation: topology.relation,
    appOrigin: topology.app.origin,
    apiOrigin: topology.api.origin,
    appSite: topology.app.site,
    apiSite: topology.api.site,
    hybrid: topology.hybrid,
    apiSecureContext: topology.apiTrustworthy,
  };
}

/** Findings that follow from where the app and the API sit, before any request. */
function judgeTopology(topology: Topology, list: FindingList): void {
  if (topology.app.scheme === 'https' && !topology.apiTrustworthy) {
    list.add('topology.mixed-content', `${topology.app.origin} is https and ${topology.api.origin} is plain http.`);
  }
  if (topology.relation !== 'cross-site') {
    list.pass(`App ${topology.app.origin} and API ${topology.api.origin} are ${topology.relation}: the API's cookies are first-party`);
    return;
  }
  list.add('topology.cross-site', `${topology.app.origin} (site ${topology.app.site}) calls ${topology.api.origin} (site ${topology.api.site}).`);
  if (topology.hybrid === 'capacitor-ios' || topology.hybrid === 'ionic-ios') {
    list.add('topology.hybrid-ios', `${topology.app.origin} is the origin of ${topology.hybrid === 'capacitor-ios' ? 'Capacitor' : 'Cordova/Ionic'} on iOS.`);
  } else if (topology.hybrid !== null) {
    list.add('topology.hybrid-android', `${topology.app.origin} is the origin of ${topology.hybrid === 'capacitor-android' ? 'Capacitor' : 'Cordova ionic-webview'} on Android.`);
  }
}

export async function diagnose(options: DoctorOptions): Promise<Diagnosis> {
  const started = performance.now();
  const topology = topologyOf(options.appOrigin, options.url.href);
  const list = new FindingList({ appOrigin: topology.app.origin, apiOrigin: topology.api.origin, apiHost: options.url.host, method: options.method });
  const browser = new Browser(topology, list, { resolve: options.resolve, timeoutMs: options.timeoutMs });
  judgeTopology(topology, list);

  const { url, method } = options;
  const label = `${method} ${url.pathname}`;
  const requestHeaders = appRequestHeaders(method, options.headers);
  const unsafeNames = preflightHeaderNames(requestHeaders);
  const preflightNeeded = needsPreflight(method, requestHeaders);
  const csrfUrl = new URL(ROUTES.csrf, url);

  // Independent exchanges run together, so a diagnosis over a slow link costs about one round trip more
  // than the login. The probes use GET: they must never change anything on the API.
  const [preflight, actual, unrelated, opaque, csrf] = await Promise.all([
    preflightNeeded ? browser.preflight(url, method, unsafeNames) : Promise.resolve(undefined),
    browser.request(url, method, requestHeaders),
    browser.request(url, 'GET', [], { origin: UNRELATED_ORIGIN, essential: false }),
    browser.request(url, 'GET', [], { origin: 'null', essential: false }),
    browser.request(csrfUrl, 'GET', [], { essential: false }),
  ]);

  const jar: CookieJar = new Map();
  if (!browser.unreachable && actual !== undefined) {
    let preflightGranted = false;
    if (preflight !== undefined) preflightGranted = judgePreflight(preflight, method, unsafeNames, `The preflight for ${label}`, list);
    else list.add('cors.no-preflight', `${label} with ${requestHeaders.length === 0 ? 'no extra headers' : requestHeaders.join(', ')} is a simple request.`);
    const granted = judgeActual(actual, label, preflightGranted, list);
    judgeCookies(actual, topology, label, list, jar);
    judgeCsrfDelivery(actual, granted, topology, label, list);
    judgeProbes(unrelated, opaque, list);

    // GET /auth/csrf is the crossauth contract's first call; on other APIs it is a harmless 404.
    let csrfToken: string | undefined;
    if (csrf !== undefined && csrf.status === 200 && url.pathname !== ROUTES.csrf) {
      const csrfLabel = `GET ${ROUTES.csrf}`;
      const csrfGranted = judgeActual(csrf, csrfLabel, false, list);
      judgeCookies(csrf, topology, csrfLabel, list, jar);
      judgeCsrfDelivery(csrf, csrfGranted, topology, csrfLabel, list);
      csrfToken = readableToken(csrf, csrfGranted, topology);
    } else if (csrf !== undefined && url.pathname === ROUTES.csrf) {
      csrfToken = readableToken(csrf, granted, topology);
    }
    if (options.login !== undefined) await runLogin(browser, options.login, { base: url, jar, csrfToken });
  }

  const findings = [...list.items].sort(bySeverity);
  const verdict = browser.unreachable ? 'unreachable' : findings.some((finding) => finding.severity === 'error') ? 'fail' : 'ok';
  return {
    verdict,
    target: { method, url: url.href, origin: topology.app.origin },
    topology: topologyReport(topology),
    findings,
    passed: list.passed,
    durationMs: Math.round(performance.now() - started),
  };
}
