import type { CatalogueEntry } from './findings.js';

/** CSRF, topology, login and network findings (see findings.ts for the catalogue's shape). */
export const OTHER_CATALOGUE = {
  'csrf.token-unreadable': {
    severity: 'error',
    title: 'The app cannot read the CSRF token',
    why: "The token arrives only in a cookie the app's script cannot read — document.cookie sees only non-HttpOnly cookies of the page's own host or a parent Domain, never a cookie of another site — and no exposed response header or JSON body carries it. The app can never send it back, so every unsafe request fails with a CSRF error.",
    fix: () =>
      'crossauth returns the token from GET /auth/csrf in JSON and in the exposed X-CSRF-Token header, and the rotated one in that header after login; read it there (the crossauth client does).',
    snippet: () => `// Deliver the token where a cross-origin script can read it
res.setHeader('X-CSRF-Token', token);
res.setHeader('Access-Control-Expose-Headers', 'X-CSRF-Token');
res.end(JSON.stringify({ csrfToken: token }));`,
  },
  'topology.cross-site': {
    severity: 'info',
    title: 'The app and the API are on different sites',
    why: "The API's cookies are third-party to the app: they work only as SameSite=None; Secure, and in browsers that block third-party cookies only when Partitioned. Safari before 26.2 and iOS web views block even those (WebKit's third-party cookie blocking; CHIPS is back in Safari 26.2); Firefox keeps them in a per-site partition (Total Cookie Protection).",
    fix: () =>
      'Best: serve the API from a host under the app\'s registrable domain (api.example.com for app.example.com), which makes the cookies first-party. Otherwise keep crossauth\'s Partitioned cookies and let the crossauth client switch to bearer tokens when GET /auth/csrf answers "cookies": false.',
    snippet: () => '',
  },
  'topology.hybrid-ios': {
    severity: 'warn',
    title: 'An iOS hybrid app calling a cross-site API',
    // browser-matrix.md, iOS WKWebView row: [W1] DefaultWebBrowserChecks.mm, [W3] capacitor#6302, [W5] cordova-ios#1088, [W6] capacitor-community/http#47.
    why: "In WKWebView, tracking prevention is on for apps without NSCrossWebsiteTrackingUsageDescription, so the API's cookies are third-party and blocked; app-bound domains (WKAppBoundDomains) do not lift that, and whether Partitioned cookies work in WKWebView is unverified.",
    fix: () =>
      'Keep the cookies Partitioned (crossauth\'s default) for the WebKit builds that honour CHIPS, but do not rely on them: use bearer tokens (POST /auth/token; the crossauth client\'s token mode), or CapacitorHttp (native requests with the shared cookie store), or set Capacitor\'s server.hostname to a host under the API\'s registrable domain so the API becomes first-party.',
    snippet: () => "// Native apps: POST /auth/token with { email, password, name } and send 'Authorization: Bearer <token>'",
  },
  'topology.hybrid-android': {
    severity: 'info',
    title: 'An Android hybrid app calling a cross-site API',
    // browser-matrix.md, Android System WebView row: [A2] CapacitorCordovaCookieManager.java, [A1] CookieManager reference.
    why: 'Capacitor calls setAcceptThirdPartyCookies(webView, true), so SameSite=None; Secure cookies from the API are stored and sent; a plain WebView or a Cordova app blocks third-party cookies (the default for apps targeting Android 5+) unless it enables them itself.',
    fix: () => "Keep crossauth's cross-site cookies (SameSite=None; Secure; Partitioned); for a Cordova WebView, enable third-party cookies or use bearer tokens.",
    snippet: () => '',
  },
  'topology.mixed-content': {
    severity: 'error',
    title: 'An https app calling an http API',
    why: 'Browsers block requests from an https page to a plain http URL (mixed content) before any CORS check; only loopback hosts are exempt (Mixed Content, potentially trustworthy URLs).',
    fix: (c) => `Serve the API over https (TLS at a proxy, then \`crossauth serve --trust-proxy --public-url https://${c.apiHost}\`).`,
    snippet: () => '// Serve the API over https (https.createServer with a certificate, or TLS at a reverse proxy)',
  },
  'login.failed': {
    severity: 'error',
    title: 'Login through the crossauth contract failed',
    why: 'csrf_missing or csrf_invalid here usually means the browser dropped the pre-session cookie from GET /auth/csrf (see the cookie findings); origin_not_allowed means the allowlist lacks the app origin; invalid_credentials means the email or password is wrong.',
    fix: (c) => `Fix the cookie and CORS findings first; then check the account (crossauth's POST /auth/login, from ${c.appOrigin}).`,
    snippet: () => '',
  },
  'login.session-not-kept': {
    severity: 'error',
    title: 'Logged in, but the next request is not signed in',
    why: 'The login succeeded, yet a request afterwards carrying the cookies a browser would have kept was answered 401: the browser drops or withholds the session cookie (see the cookie findings).',
    fix: () => 'Fix the cookie findings; if the browser cannot keep third-party cookies at all, use bearer tokens (the crossauth client falls back by itself).',
    snippet: () => '',
  },
  'network.unreachable': {
    severity: 'error',
    title: 'The API could not be reached',
    why: 'No HTTP answer came back, so nothing else could be checked.',
    fix: () => 'Check the URL, that the server runs and listens on that address, and --resolve if the name is not in DNS.',
    snippet: () => '',
  },
  'network.timeout': {
    severity: 'error',
    title: 'The API did not answer in time',
    why: 'The connection opened (or is stuck) but no answer came back within the timeout.',
    fix: () => 'Check that the server answers this route (and OPTIONS for it); raise --timeout for a slow link.',
    snippet: () => '',
  },
} as const satisfies Record<string, CatalogueEntry>;
