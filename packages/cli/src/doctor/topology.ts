import { parse } from 'tldts';

/**
 * Where the app and the API sit relative to each other, as a browser decides it. Sites are schemeful
 * (scheme plus registrable domain from the Public Suffix List, private section included, as browsers
 * use it); a host with no registrable domain (`localhost`, an IP address) is its own site. Ports never
 * matter to sites (browser-matrix.md, "Site boundaries still apply").
 */

export type Relation = 'same-origin' | 'same-site' | 'cross-site';

/** Origins that hybrid-app web views use (DESIGN.md presets `capacitor` and `ionic`). */
export type HybridPlatform = 'capacitor-ios' | 'ionic-ios' | 'capacitor-android' | 'cordova-android';

const HYBRID_ORIGINS: Readonly<Record<string, HybridPlatform>> = {
  'capacitor://localhost': 'capacitor-ios',
  'ionic://localhost': 'ionic-ios',
  'https://localhost': 'capacitor-android',
  'http://localhost': 'cordova-android',
};

export interface Endpoint {
  scheme: string;
  /** Lower-case host without brackets or port. */
  hostname: string;
  /** Port as written, or '' for the scheme's default. */
  port: string;
  /** `scheme://host[:port]`, normalised. */
  origin: string;
  /** `scheme://registrable-domain` (or the bare host when there is none). */
  site: string;
}

export interface Topology {
  relation: Relation;
  app: Endpoint;
  api: Endpoint;
  /** The hybrid web view this app origin belongs to, or `null` for a web origin. */
  hybrid: HybridPlatform | null;
  /** Whether the API's URL is a secure context (https, or http on a loopback name or address). */
  apiTrustworthy: boolean;
}

/** Registrable domain of `hostname`, or `null` for IP addresses, `localhost` and public suffixes. */
export function registrableDomain(hostname: string): string | null {
  const parsed = parse(hostname, { allowPrivateDomains: true });
  if (parsed.isIp === true) return null;
  return parsed.domain;
}

/** Whether `domain` is itself a public suffix (`com`, `co.uk`, `github.io`): cookies may not be scoped to it. */
export function isPublicSuffix(domain: string): boolean {
  const parsed = parse(domain, { allowPrivateDomains: true });
  return parsed.isIp !== true && parsed.domain === null && parsed.publicSuffix === domain;
}

/**
 * Chromium's `net::IsLocalhost`: `localhost`, `*.localhost`, 127.0.0.0/8 and `::1` are potentially
 * trustworthy over plain http, so `Secure` cookies work there (browser-matrix.md [L1][L2]).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses an origin or URL, custom schemes included (`new URL` gives `capacitor://localhost` an opaque origin). */
export function endpointOf(text: string): Endpoint {
  const url = new URL(text);
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (hostname === '') throw new Error(`"${text}" has no host`);
  const hostPart = hostname.includes(':') ? `[${hostname}]` : hostname;
  const origin = `${scheme}://${hostPart}${url.port === '' ? '' : `:${url.port}`}`;
  const site = `${scheme}://${registrableDomain(hostname) ?? hostPart}`;
  return { scheme, hostname, port: url.port, origin, site };
}

/** A potentially trustworthy URL (Secure Contexts §3.1): https, or http on a loopback host. */
export function isTrustworthy(endpoint: Endpoint): boolean {
  if (endpoint.scheme === 'https') return true;
  return endpoint.scheme === 'http' && isLoopbackHost(endpoint.hostname);
}

export function topologyOf(appOrigin: string, apiUrl: string): Topology {
  const app = endpointOf(appOrigin);
  const api = endpointOf(apiUrl);
  const relation: Relation = app.origin === api.origin ? 'same-origin' : app.site === api.site ? 'same-site' : 'cross-site';
  return {
    relation,
    app,
    api,
    hybrid: HYBRID_ORIGINS[app.origin] ?? null,
    apiTrustworthy: isTrustworthy(api),
  };
}

/** Whether `host` domain-matches `domain` (RFC 6265bis §5.1.3): equal, or a subdomain of a non-IP host. */
export function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  if (parse(host).isIp === true) return false;
  return host.endsWith(`.${domain}`);
}

export const HYBRID_LABELS: Readonly<Record<HybridPlatform, string>> = {
  'capacitor-ios': 'Capacitor on iOS (WKWebView)',
  'ionic-ios': 'Cordova/Ionic on iOS (WKWebView)',
  'capacitor-android': 'Capacitor on Android (System WebView)',
  'cordova-android': 'Cordova ionic-webview on Android (or a local dev server on port 80)',
};
