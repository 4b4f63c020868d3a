import type { CatalogueEntry, FixContext } from './findings.js';

/**
 * Cookie findings: what a browser does with a Set-Cookie line from a credentialed fetch, by the storage
 * model of RFC 6265bis-22 (§5.7) and the per-browser facts in browser-matrix.md (bracketed tags there).
 */

const crossSiteLine = (c: FixContext) =>
  `res.appendHeader('Set-Cookie', '${c.subject || 'sid'}=' + value + '; Path=/; HttpOnly; Secure; SameSite=None; Partitioned');`;

export const COOKIE_CATALOGUE = {
  'cookie.samesite-lax-cross-site': {
    severity: 'error',
    title: 'A SameSite=Lax/Strict (or default) cookie on a cross-site pair',
    why: 'The app and the API are different sites, so every fetch from the app is cross-site: a SameSite=Lax or Strict cookie is not stored from its answer and not sent with it, and a cookie without SameSite is Lax by default in Chromium (RFC 6265bis §5.6.7 and §5.7; Lax-by-default in Chromium).',
    fix: (c) =>
      `crossauth sets SameSite=None; Secure; Partitioned towards cross-site callers by itself; it decides from its public origin, so make --public-url (CROSSAUTH_PUBLIC_URL) the URL the app calls: ${c.apiOrigin}.`,
    snippet: crossSiteLine,
  },
  'cookie.samesite-none-insecure': {
    severity: 'error',
    title: 'SameSite=None without Secure',
    why: 'Browsers ignore a SameSite=None cookie that is not also Secure (RFC 6265bis §5.7, storage model).',
    fix: () => "crossauth's cookie types make SameSite=None without Secure a compile error; for your own cookies add Secure (and serve over https).",
    snippet: crossSiteLine,
  },
  'cookie.secure-over-http': {
    severity: 'error',
    title: 'A Secure cookie sent over plain http',
    why: 'A cookie with Secure set by an http:// URL is ignored (RFC 6265bis §5.7, storage model). Only localhost, *.localhost, 127.0.0.0/8 and [::1] count as secure over http (Chromium since 89, Firefox since 75; reportedly not Safari).',
    fix: (c) =>
      `Serve the API over https: TLS at the proxy, then \`crossauth serve --trust-proxy --public-url https://${c.apiHost}\`. For local development call it as http://localhost or http://127.0.0.1 instead of ${c.apiHost}.`,
    snippet: () => '// Terminate TLS (https.createServer or a proxy); Secure cookies need an https URL, or a loopback host in development',
  },
  'cookie.domain-mismatch': {
    severity: 'error',
    title: 'Domain does not cover the API host',
    why: "A cookie's Domain must be the host that sets it or a parent of it, and not a public suffix, or the browser ignores the whole cookie (RFC 6265bis §5.6.3 and §5.7).",
    fix: () =>
      "crossauth's session cookie is host-only; csrf.cookieDomain must be a parent of the API host (e.g. example.com for api.example.com) and never a public suffix.",
    snippet: (c) => `// Leave Domain out (host-only) or use a parent of ${c.apiHost}
res.appendHeader('Set-Cookie', '${c.subject || 'sid'}=' + value + '; Path=/; HttpOnly; Secure; SameSite=Lax');`,
  },
  'cookie.host-prefix-invalid': {
    severity: 'error',
    title: 'A __Host- cookie breaks the prefix rules',
    why: 'A cookie named __Host-… is kept only if it is Secure, has Path=/ and no Domain (RFC 6265bis §4.1.3.2); otherwise the browser drops it.',
    fix: () => "crossauth's types make a __Host- cookie with a Domain a compile error; drop Domain (or the prefix, for a cookie that must be shared with a sibling host).",
    snippet: (c) => `res.appendHeader('Set-Cookie', '${c.subject || '__Host-sid'}=' + value + '; Path=/; Secure; HttpOnly; SameSite=Lax'); // no Domain`,
  },
  'cookie.secure-prefix-invalid': {
    severity: 'error',
    title: 'A __Secure- cookie without Secure',
    why: 'A cookie named __Secure-… is kept only if it is Secure (RFC 6265bis §4.1.3.1).',
    fix: () => 'Add Secure to the cookie (crossauth sets it on every __Host- cookie).',
    snippet: (c) => `res.appendHeader('Set-Cookie', '${c.subject || '__Secure-sid'}=' + value + '; Path=/; Secure; HttpOnly; SameSite=Lax');`,
  },
  'cookie.oversize': {
    severity: 'error',
    title: 'A cookie over 4096 bytes',
    why: 'Browsers ignore a cookie whose name and value together exceed 4096 bytes (RFC 6265bis §5.6), silently.',
    fix: () => 'crossauth cookies hold a 43-character random token; keep session data on the server, keyed by that token.',
    snippet: () => '// Store the data server-side (a session store) and put only a random id in the cookie',
  },
  'cookie.cross-site-unpartitioned': {
    severity: 'error',
    title: 'A cross-site cookie without Partitioned',
    // browser-matrix.md rows and sources: [S1][W1] Safari/WKWebView, [C5][C6] Chromium, [A1] Android WebView, [F2] Firefox.
    why: "Towards a cross-site app this is a third-party cookie: Safari and iOS web views block it (WebKit's full third-party cookie blocking), Chromium drops it when third-party cookies are off (Incognito, a user setting, and Chromium 156 headless as tested), Android WebView blocks it unless the app enables third-party cookies, Firefox keeps it only in a per-site partition (Total Cookie Protection). With Partitioned (CHIPS: Chrome 114+, Firefox 141+, Safari 26.2+) it is kept for the app's top-level site.",
    fix: () => 'Keep crossauth\'s default cookies.partitioned: true (switching it off loses the session in browsers that block third-party cookies).',
    snippet: crossSiteLine,
  },
  'cookie.no-expiry-hybrid': {
    severity: 'warn',
    title: 'A session cookie without expiry, for a hybrid app',
    why: "Without Max-Age or Expires the cookie lives only as long as the web view's process: when the OS kills the app or the user swipes it away, the login is gone. Fine on the web; annoying in a hybrid app.",
    fix: () => 'Log in with "remember": true — crossauth then makes the session cookie persistent (Max-Age; idle timeout 30 days, absolute lifetime 90 days).',
    snippet: (c) => `res.appendHeader('Set-Cookie', '${c.subject || 'sid'}=' + value + '; Max-Age=2592000; Path=/; HttpOnly; Secure; SameSite=None; Partitioned');`,
  },
} as const satisfies Record<string, CatalogueEntry>;
