/**
 * The one server allowlist (DESIGN.md, "One server allowlist"): the same compiled list answers CORS and
 * the CSRF origin check. Configuration is normalised and validated once; `isAllowed` is flat.
 */
import { getPublicSuffix } from 'tldts';
import { CorsConfigError } from './config-error.js';
import { isCanonicalIpv4 } from './host.js';
import { MAX_ORIGIN_LENGTH, normalizeConfiguredOrigin, parseOrigin } from './origin.js';

/**
 * One allowlist entry:
 * - an exact origin, `'https://app.example.com'` (normalised: lower-case, default port dropped, IDN
 *   converted to punycode);
 * - a subdomain pattern, `'https://*.example.com'` or `'https://*.example.com:8443'`: any subdomain, at
 *   any depth, with that scheme and port — never the apex `https://example.com` (list it separately);
 * - a preset: `'capacitor'` (`capacitor://localhost`, `https://localhost`) or `'ionic'`
 *   (`ionic://localhost`, `http://localhost`);
 * - `'null'`, the opaque origin of sandboxed frames and `file:` pages — only when listed, with a warning;
 * - a function, called with a well-formed serialised origin (never `'null'`); only a `true` return
 *   allows, and a function that throws counts as a refusal.
 */
export type OriginEntry = string | ((origin: string) => boolean);

export interface CompiledAllowlist {
  /** Whether the raw `Origin` header value is trusted. Never throws. */
  isAllowed(origin: string): boolean;
  /** Startup warnings about risky but permitted entries, for the caller to log. */
  readonly warnings: readonly string[];
  /** One line per compiled entry, for startup logs and `crossauth doctor`. */
  describe(): string[];
}

export interface AllowlistOptions {
  /** Development mode silences the warnings about `localhost` and plain `http://` origins. */
  development: boolean;
}

const PRESETS: ReadonlyMap<string, readonly string[]> = new Map([
  ['capacitor', ['capacitor://localhost', 'https://localhost']],
  ['ionic', ['ionic://localhost', 'http://localhost']],
]);

/** Entries people write when they mean "any origin"; with credentials that is a vulnerability (C3). */
const REFLECT_ALL = new Set(['*', 'reflect', 'true', 'any', 'all', '*://*', 'https://*', 'http://*']);

const LIST_THE_ORIGINS = "list the app origins, e.g. 'https://app.example.com', or a preset such as 'capacitor'";

interface SubdomainPattern {
  readonly entry: string;
  readonly scheme: string;
  /** `.example.com`: a matching host ends with it and has at least one label before it. */
  readonly dotSuffix: string;
  readonly port: number | null;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || (host.startsWith('127.') && isCanonicalIpv4(host));
}

function compilePattern(entry: string): SubdomainPattern {
  const fail = (problem: string, fix: string) => new CorsConfigError(`origins: '${entry}' ${problem}: ${fix}`);
  const text = entry.trim();
  const schemeEnd = text.indexOf('://');
  const star = text.indexOf('*');
  if (schemeEnd <= 0 || star !== schemeEnd + 3 || text.charCodeAt(star + 1) !== 46 /* . */ || text.includes('*', star + 1)) {
    throw fail(
      'is not a supported pattern',
      "only a whole first label may be a wildcard, as in 'https://*.example.com'; list other origins exactly",
    );
  }
  // Normalise the pattern's suffix as if it were a host, so case, IDN, default ports and stray paths
  // get the same treatment (and the same refusals) as an exact origin.
  let suffixOrigin: string;
  try {
    suffixOrigin = normalizeConfiguredOrigin(text.slice(0, star) + text.slice(star + 2));
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^origins: '[^']*' /, '') : String(error);
    throw fail('is not a valid pattern', reason);
  }
  const parsed = parseOrigin(suffixOrigin);
  if (parsed === null) throw fail('is not a valid pattern', `write it as 'https://*.example.com'`);
  const suffix = parsed.host;
  const lastLabel = suffix.slice(suffix.lastIndexOf('.') + 1);
  if (suffix.startsWith('[') || /^(?:[0-9]+|0x[0-9a-f]*)$/.test(lastLabel)) {
    throw fail('puts a wildcard on an IP address', 'list each address exactly');
  }
  // A suffix that is itself a public suffix (`com`, `co.uk`, `github.io`) would trust every site
  // registered under it. tldts answers null for what it cannot read, and an unknown TLD is its own
  // public suffix (PSL default rule `*`): both are refused.
  const publicSuffix = getPublicSuffix(suffix, { allowPrivateDomains: true });
  if (publicSuffix === null || publicSuffix === suffix) {
    throw fail(
      'would match every site under a public suffix',
      "put the wildcard under a domain you own, e.g. 'https://*.example.com', or list the origins exactly",
    );
  }
  return { entry: text, scheme: parsed.scheme, dotSuffix: `.${suffix}`, port: parsed.port };
}

function localServerWarning(origin: string, from: string): string {
  return (
    `origins: '${origin}'${from} trusts any local server on the user's machine (a dev server, a desktop ` +
    'app) with their credentials; keep it for hybrid-app builds, or allow it only in development'
  );
}

function plainHttpWarning(origin: string): string {
  return (
    `origins: '${origin}' is plain http: anyone on the network path can run script in that origin and ` +
    "act with the user's credentials; serve the app over https"
  );
}

/**
 * Compiles allowlist entries once, at startup. Throws a `CorsConfigError` naming the entry and the fix
 * for anything that cannot be made safe: `'*'` and other reflect-all entries, empty strings, values
 * that are not origins, wildcards anywhere but the whole first label, and patterns at or above a public
 * suffix. Risky but legitimate entries are kept and explained in `warnings`.
 */
export function compileAllowlist(entries: readonly OriginEntry[], options: AllowlistOptions): CompiledAllowlist {
  if (!Array.isArray(entries)) {
    throw new CorsConfigError(`origins must be a list: ${LIST_THE_ORIGINS}, written as ['https://app.example.com']`);
  }
  const exact = new Set<string>();
  const patterns: SubdomainPattern[] = [];
  const functions: Array<(origin: string) => boolean> = [];
  const warnings: string[] = [];
  const description: string[] = [];

  const addExact = (origin: string, from: string) => {
    if (exact.has(origin)) return;
    exact.add(origin);
    description.push(`exact ${origin}${from}`);
    const parsed = parseOrigin(origin);
    if (parsed === null || options.development) return;
    if ((parsed.scheme === 'http' || parsed.scheme === 'https') && isLoopbackHost(parsed.host)) {
      warnings.push(localServerWarning(origin, from));
    } else if (parsed.scheme === 'http') {
      warnings.push(plainHttpWarning(origin));
    }
  };

  for (const entry of entries as readonly unknown[]) {
    if (typeof entry === 'function') {
      functions.push(entry as (origin: string) => boolean);
      description.push(`function ${entry.name === '' ? '(anonymous)' : entry.name}`);
      continue;
    }
    if (typeof entry !== 'string') {
      const problem = entry === true ? 'would reflect every origin' : 'is not a string or a function';
      throw new CorsConfigError(`origins: ${String(entry)} ${problem}: ${LIST_THE_ORIGINS}`);
    }
    const text = entry.trim();
    const lower = text.toLowerCase();
    if (text === '') {
      throw new CorsConfigError(`origins: '${entry}' is empty: remove it, or ${LIST_THE_ORIGINS}`);
    }
    if (lower === '*') {
      throw new CorsConfigError(`origins: '*' cannot be combined with credentials: ${LIST_THE_ORIGINS}`);
    }
    if (REFLECT_ALL.has(lower)) {
      throw new CorsConfigError(`origins: '${entry}' would trust every origin with credentials: ${LIST_THE_ORIGINS}`);
    }
    const preset = PRESETS.get(lower);
    if (preset !== undefined) {
      for (const origin of preset) addExact(origin, ` (preset '${lower}')`);
      continue;
    }
    if (lower === 'null') {
      if (!exact.has('null')) {
        exact.add('null');
        description.push("exact null (opaque origin: sandboxed frames, file: pages, some redirects)");
        warnings.push(
          "origins: 'null' trusts every sandboxed iframe and file: page, including an attacker's " +
            '(a sandboxed frame on any site sends Origin: null); remove it unless you have no other way',
        );
      }
      continue;
    }
    if (text.includes('*')) {
      const pattern = compilePattern(text);
      patterns.push(pattern);
      const display = `${pattern.scheme}://*${pattern.dotSuffix}${pattern.port === null ? '' : `:${pattern.port}`}`;
      description.push(`pattern ${display} (subdomains at any depth, not the apex ${pattern.dotSuffix.slice(1)})`);
      if (pattern.scheme === 'http' && !options.development) warnings.push(plainHttpWarning(display));
      continue;
    }
    addExact(normalizeConfiguredOrigin(text), '');
  }

  if (entries.length === 0) {
    warnings.push('origins is empty: every cross-origin request with credentials will be refused');
  }

  const hasSlowPath = patterns.length > 0 || functions.length > 0;

  function isAllowed(origin: string): boolean {
    if (typeof origin !== 'string' || origin.length > MAX_ORIGIN_LENGTH) return false;
    // Fast path: browsers serialise origins canonically, so the raw header is compared as it is.
    if (exact.has(origin)) return true;
    if (!hasSlowPath) return false;
    const parsed = parseOrigin(origin);
    if (parsed === null) return false;
    for (const pattern of patterns) {
      if (
        parsed.scheme === pattern.scheme &&
        parsed.port === pattern.port &&
        parsed.host.length > pattern.dotSuffix.length &&
        parsed.host.endsWith(pattern.dotSuffix)
      ) {
        return true;
      }
    }
    for (const allow of functions) {
      try {
        if (allow(origin) === true) return true;
      } catch {
        // A throwing function is a refusal, never a 500: fail closed and keep asking the others.
      }
    }
    return false;
  }

  return {
    isAllowed,
    warnings: Object.freeze(warnings),
    describe: () => description.slice(),
  };
}
