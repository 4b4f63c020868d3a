/**
 * Strict origins. A browser serialises an origin as `scheme://host[:port]`, lower-case, default port
 * omitted (https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin), so
 * the request side accepts exactly that form and nothing near it: no normalisation on the request path,
 * every oddity refused (catalogue M6). Configuration, written by people, is normalised once into the
 * same form by `normalizeConfiguredOrigin`.
 *
 * `new URL()` is deliberately not used: runtimes parse custom schemes such as `capacitor://localhost`
 * inconsistently (better-auth avoids it for the same reason), and a full URL parser accepts far more
 * than an origin (userinfo, paths, percent-escapes) that would then have to be refused again.
 */
import { domainToASCII } from 'node:url';
import { CorsConfigError } from './config-error.js';
import { canonicalIpv6, isCanonicalDomainOrIpv4, isHostCodeUnit } from './host.js';

export { CorsConfigError } from './config-error.js';

/** A request `Origin` longer than this (in UTF-16 code units) is refused without being parsed. */
export const MAX_ORIGIN_LENGTH = 2048;

/** An origin in browser serialisation, split into its parts. */
export interface ParsedOrigin {
  /** Lower-case scheme without `:`, e.g. `https` or `capacitor`. */
  readonly scheme: string;
  /** Lower-case host: a domain (punycode for IDN), a dotted-quad IPv4, or a bracketed IPv6 literal `[::1]`. */
  readonly host: string;
  /** The explicit port, or `null` when none was written (never the scheme's default port). */
  readonly port: number | null;
  /** The exact string that was parsed; re-serialising the parts gives the same string. */
  readonly serialized: string;
}

// A Map, not an object literal: a scheme named `constructor` must not find Object.prototype.constructor.
const DEFAULT_PORTS: ReadonlyMap<string, number> = new Map([
  ['http', 80],
  ['https', 443],
  ['ws', 80],
  ['wss', 443],
  ['ftp', 21],
]);

/** The default port of a scheme that has one (special schemes in the WHATWG URL standard). */
export function defaultPort(scheme: string): number | undefined {
  return DEFAULT_PORTS.get(scheme);
}

function isSchemeCodeUnit(code: number, first: boolean): boolean {
  if (code >= 97 && code <= 122) return true; // a-z
  if (first) return false;
  return (code >= 48 && code <= 57) || code === 43 || code === 45 || code === 46; // 0-9 + - .
}

/**
 * Parses an origin exactly as a browser serialises it, or answers `null`. Never throws, never
 * normalises: `HTTPS://APP.EXAMPLE.COM`, `https://app.example.com/`, `https://app.example.com:443`,
 * `https://app.example.com.`, a `null` origin and anything with whitespace, `@`, `?`, `#`, `\` or `%`
 * all answer `null`. Linear in the length of `value`, which is capped at `MAX_ORIGIN_LENGTH`.
 */
export function parseOrigin(value: string): ParsedOrigin | null {
  if (typeof value !== 'string' || value.length > MAX_ORIGIN_LENGTH) return null;

  const schemeEnd = value.indexOf('://');
  if (schemeEnd < 1) return null;
  for (let i = 0; i < schemeEnd; i++) if (!isSchemeCodeUnit(value.charCodeAt(i), i === 0)) return null;
  const scheme = value.slice(0, schemeEnd);

  const hostStart = schemeEnd + 3;
  let hostEnd: number;
  if (value.charCodeAt(hostStart) === 91 /* [ */) {
    const close = value.indexOf(']', hostStart);
    if (close === -1) return null;
    const literal = value.slice(hostStart + 1, close);
    if (canonicalIpv6(literal) !== literal) return null;
    hostEnd = close + 1;
  } else {
    hostEnd = hostStart;
    while (hostEnd < value.length && isHostCodeUnit(value.charCodeAt(hostEnd))) hostEnd++;
    if (!isCanonicalDomainOrIpv4(value.slice(hostStart, hostEnd))) return null;
  }
  const host = value.slice(hostStart, hostEnd);

  if (hostEnd === value.length) return { scheme, host, port: null, serialized: value };
  if (value.charCodeAt(hostEnd) !== 58 /* : */) return null; // a path, query, userinfo or stray byte

  const digitsStart = hostEnd + 1;
  const digitCount = value.length - digitsStart;
  if (digitCount < 1 || digitCount > 5 || value.charCodeAt(digitsStart) === 48 /* leading zero */) return null;
  for (let i = digitsStart; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return null;
  }
  const port = Number(value.slice(digitsStart));
  if (port > 65535 || port === DEFAULT_PORTS.get(scheme)) return null;
  return { scheme, host, port, serialized: value };
}

const EXAMPLE = "e.g. 'https://app.example.com' or 'capacitor://localhost'";

function configError(entry: string, problem: string, fix: string): CorsConfigError {
  return new CorsConfigError(`origins: '${entry}' ${problem}: ${fix}`);
}

function hasWhitespaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 32 || code === 127 || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0xfeff) return true;
  }
  return false;
}

/**
 * Normalises an origin written in configuration into browser serialisation, or throws a
 * `CorsConfigError` naming the entry and the fix. Runs once, at startup. It trims surrounding
 * whitespace, lower-cases scheme and host, drops the scheme's default port (`https://x:443` →
 * `https://x`), strips one trailing slash, converts an IDN host to punycode (`bücher.example` →
 * `xn--bcher-kva.example`) and prints an IPv6 literal canonically; then checks the result with
 * `parseOrigin`, so what it returns is exactly what a browser would send.
 */
export function normalizeConfiguredOrigin(entry: string): string {
  const text = entry.trim();
  if (text === '') throw configError(entry, 'is empty', `write an origin, ${EXAMPLE}, or remove the entry`);
  if (hasWhitespaceOrControl(text)) {
    throw configError(entry, 'contains whitespace or control characters', `write a single origin, ${EXAMPLE}`);
  }
  const schemeEnd = text.indexOf('://');
  if (schemeEnd <= 0) throw configError(entry, 'has no scheme', `write the scheme and host, ${EXAMPLE}`);
  const scheme = text.slice(0, schemeEnd).toLowerCase();

  let rest = text.slice(schemeEnd + 3);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.includes('@')) {
    throw configError(entry, 'contains user information (@)', `an origin is only scheme, host and port, ${EXAMPLE}`);
  }
  for (const mark of ['/', '?', '#', '\\']) {
    if (rest.includes(mark)) {
      throw configError(entry, 'has a path, query or fragment', `an origin is only scheme, host and port, ${EXAMPLE}`);
    }
  }
  if (rest.includes('%')) {
    throw configError(entry, 'contains a percent-escape', `write the host as plain text or punycode, ${EXAMPLE}`);
  }

  let host: string;
  let portText: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    const literal = close === -1 ? null : canonicalIpv6(rest.slice(1, close).toLowerCase());
    if (literal === null) {
      throw configError(entry, 'has an invalid IPv6 literal', "write it like 'http://[::1]:8080' (no embedded IPv4, no zone)");
    }
    host = `[${literal}]`;
    portText = rest.slice(close + 1);
  } else {
    const colon = rest.lastIndexOf(':');
    const rawHost = colon === -1 ? rest : rest.slice(0, colon);
    portText = colon === -1 ? '' : rest.slice(colon);
    if (rawHost.endsWith('.')) {
      throw configError(entry, 'has a trailing dot in the host', 'remove the dot: browsers send the origin without it');
    }
    // domainToASCII lower-cases, applies IDNA (punycode) and canonicalises IPv4; '' means invalid.
    host = domainToASCII(rawHost);
    if (host === '') throw configError(entry, 'has an invalid host', `write a domain name or IP address, ${EXAMPLE}`);
  }

  let port = '';
  if (portText !== '') {
    const digits = portText.slice(1);
    const value = /^[0-9]{1,5}$/.test(digits) ? Number(digits) : NaN;
    if (!(value >= 1 && value <= 65535)) {
      throw configError(entry, 'has an invalid port', 'write a port from 1 to 65535, or none for the default');
    }
    if (value !== DEFAULT_PORTS.get(scheme)) port = `:${value}`;
  }

  const normalized = `${scheme}://${host}${port}`;
  if (parseOrigin(normalized) === null) {
    throw configError(
      entry,
      'is not an origin a browser can send',
      `use a scheme of letters, digits, '+', '-' or '.', and a host of letters, digits, '-' and '.', ${EXAMPLE}`,
    );
  }
  return normalized;
}
