import type { CatalogueEntry, FixContext } from './findings.js';

/**
 * CORS findings. The rules are the Fetch standard's CORS protocol
 * (https://fetch.spec.whatwg.org/#http-cors-protocol): a credentialed request passes the CORS check
 * only when `Access-Control-Allow-Origin` is exactly the request's origin and
 * `Access-Control-Allow-Credentials` is exactly `true`; `*` is not a wildcard for credentialed requests
 * in any of the `Access-Control-Allow-*` / `-Expose-Headers` headers.
 */

const allowlistSnippet = (c: FixContext) => `// CORS with credentials: an explicit allowlist, never '*' and never a copy of any Origin
const allowedOrigins = new Set(['${c.appOrigin}']);
const origin = req.headers.origin;
if (origin !== undefined && allowedOrigins.has(origin)) {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
}
res.setHeader('Vary', 'Origin');`;

const preflightSnippet = (c: FixContext) => `// Answer the preflight first: before redirects, authentication and routing (it carries no cookies)
if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
  if (req.headers.origin === '${c.appOrigin}') {
    res.setHeader('Access-Control-Allow-Origin', '${c.appOrigin}');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-CSRF-Token');
    res.setHeader('Access-Control-Max-Age', '7200');
  }
  res.setHeader('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  res.writeHead(204).end();
  return;
}`;

const allowOrigin = (c: FixContext) => `Allow the app's origin: \`crossauth serve --origin ${c.appOrigin}\` (or \`origins: ['${c.appOrigin}']\` in createAuth; the presets \`capacitor\` and \`ionic\` cover hybrid apps).`;

export const CORS_CATALOGUE = {
  'cors.origin-refused': {
    severity: 'error',
    title: "The API does not allow the app's origin",
    why: 'Unless Access-Control-Allow-Origin names the app origin exactly, the browser hides the answer and fetch rejects with a TypeError (Fetch standard, CORS check); a preflight that fails this way stops the request before it is sent.',
    fix: allowOrigin,
    snippet: allowlistSnippet,
  },
  'cors.wildcard-with-credentials': {
    severity: 'error',
    title: 'Access-Control-Allow-Origin: * with credentials',
    why: "A credentialed fetch (credentials: 'include') fails the CORS check when Access-Control-Allow-Origin is '*': the wildcard only works for requests without cookies (Fetch standard, CORS check).",
    fix: (c) => `crossauth refuses '*' at startup; list the origin instead. ${allowOrigin(c)}`,
    snippet: allowlistSnippet,
  },
  'cors.credentials-missing': {
    severity: 'error',
    title: 'Access-Control-Allow-Credentials: true is missing',
    why: "A fetch with credentials: 'include' fails unless the answer says Access-Control-Allow-Credentials: true, exactly; without it the app cannot read the answer, and a failed preflight stops the request (Fetch standard, CORS check).",
    fix: () => 'crossauth sends it with every grant; if it is missing, a proxy or another CORS layer in front rewrites the answer: let crossauth answer CORS alone.',
    snippet: () => "res.setHeader('Access-Control-Allow-Credentials', 'true'); // on the preflight answer and on every actual answer",
  },
  'cors.reflects-any-origin': {
    severity: 'error',
    title: 'The API grants any origin, with credentials',
    why: "The server copies whatever Origin it gets into Access-Control-Allow-Origin, with credentials: any web page the user opens can call the API with the user's cookies and read the answers. This is the classic reflect-all CORS vulnerability.",
    fix: (c) => `crossauth never reflects: list exact origins or patterns such as https://*.example.com. ${allowOrigin(c)}`,
    snippet: allowlistSnippet,
  },
  'cors.null-origin-allowed': {
    severity: 'error',
    title: 'The API grants the origin "null", with credentials',
    why: 'Origin: null comes from sandboxed iframes, file: pages and some redirects; any site can produce it with <iframe sandbox>, so trusting it trusts everyone.',
    fix: () => "Remove 'null' from the origins; crossauth never trusts it unless it is listed.",
    snippet: () => "if (req.headers.origin === 'null') { /* no CORS grant: an opaque origin is anyone */ }",
  },
  'cors.vary-origin-missing': {
    severity: 'warn',
    title: 'Vary: Origin is missing',
    why: "The answer differs by Origin but does not say so, so the browser's HTTP cache or a CDN may hand one origin's answer (and grant) to another, which then fails CORS at random (Fetch standard, CORS protocol and HTTP caches).",
    fix: () => 'crossauth sends Vary: Origin on every answer; if it is missing, a proxy or CDN in front drops it: configure it to keep Vary.',
    snippet: () => "res.appendHeader('Vary', 'Origin'); // on every answer whose CORS headers depend on Origin, refusals included",
  },
  'cors.preflight-redirect': {
    severity: 'error',
    title: 'The preflight is answered with a redirect',
    why: 'Browsers do not follow redirects for a CORS preflight: a 3xx answer makes the request fail before it is sent (Fetch standard, CORS-preflight fetch requires an ok status). Usual causes: an http→https redirect, a trailing-slash redirect, a login redirect.',
    fix: (c) => `Call the final URL from the app (${c.subject || 'the Location of the redirect'}); crossauth answers preflights before any routing, so nothing in front of it should redirect OPTIONS.`,
    snippet: preflightSnippet,
  },
  'cors.preflight-status': {
    severity: 'error',
    title: 'The preflight gets an error status',
    why: "A preflight must be answered with a 2xx status, or the browser never sends the request (Fetch standard, CORS-preflight fetch). A preflight carries no cookies and no Authorization, so a server that authenticates or routes it before CORS answers 401, 404 or 500.",
    fix: () => 'crossauth answers preflights itself, before authentication; if a framework or proxy answers OPTIONS first, let OPTIONS through to the crossauth handler.',
    snippet: preflightSnippet,
  },
  'cors.method-not-allowed': {
    severity: 'error',
    title: 'The preflight does not allow the method',
    why: "The preflight answer's Access-Control-Allow-Methods must list the method; '*' is only a wildcard without credentials (Fetch standard, CORS-preflight fetch).",
    fix: (c) => `Add ${c.method} to cors.allowedMethods in createAuth (the default is GET, HEAD, POST, PUT, PATCH, DELETE).`,
    snippet: (c) => `res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE${['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].includes(c.method) ? '' : `, ${c.method}`}');`,
  },
  'cors.header-not-allowed': {
    severity: 'error',
    title: 'The preflight does not allow a request header the app sends',
    why: "Every request header that is not CORS-safelisted (Content-Type: application/json, X-CSRF-Token, Authorization, …) must be listed in Access-Control-Allow-Headers, or the browser refuses to send the request; '*' does not count with credentials and never covers Authorization (Fetch standard).",
    fix: (c) => `crossauth allows content-type, authorization and the CSRF headers by default; add others to cors.allowedHeaders (${c.subject}).`,
    snippet: (c) => `res.setHeader('Access-Control-Allow-Headers', '${['Content-Type', 'X-CSRF-Token', ...c.subject.split(', ').filter((name) => !/^(content-type|x-csrf-token)$/i.test(name) && name !== '')].join(', ')}');`,
  },
  'cors.header-not-exposed': {
    severity: 'error',
    title: 'A header the app needs is not exposed',
    why: 'A cross-origin script can read only CORS-safelisted response headers plus those in Access-Control-Expose-Headers; an unexposed X-CSRF-Token means the app never sees the new token after login, and its next unsafe request fails.',
    fix: (c) => `crossauth always exposes X-CSRF-Token and Retry-After; add others with cors.exposedHeaders (${c.subject}).`,
    snippet: (c) => `res.setHeader('Access-Control-Expose-Headers', '${c.subject || 'X-CSRF-Token'}'); // '*' does not count with credentials`,
  },
  'cors.response-not-granted': {
    severity: 'error',
    title: 'An answer lacks the CORS grant the preflight gave',
    why: 'The preflight allowed the origin, but this answer carries no Access-Control-Allow-Origin, so the app sees a network error instead of the status and body. Typically error answers (401, 404, 500) that skip the CORS middleware.',
    fix: () => 'Put your routes behind the crossauth handler (createNodeHandler) and copy context.headers onto every answer, errors included.',
    snippet: () => '// Set the CORS headers before anything that can answer early: auth checks, 404 handlers, error handlers',
  },
  'cors.no-preflight': {
    severity: 'info',
    title: 'This request needs no preflight',
    why: 'A GET, HEAD or POST with only CORS-safelisted headers is sent straight away. Unsafe requests (a JSON POST with X-CSRF-Token) get a preflight, and it is the one that usually fails.',
    fix: () => 'Check an unsafe request too: run the doctor again with --method POST (and --header Authorization if the app sends bearer tokens).',
    snippet: () => '',
  },
} as const satisfies Record<string, CatalogueEntry>;
