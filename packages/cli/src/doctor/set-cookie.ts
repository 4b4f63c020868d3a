/**
 * Set-Cookie parsed the way a browser parses it (RFC 6265bis-22 §5.6, "The Set-Cookie Header Field"):
 * lenient, attribute names case-insensitive, unknown attributes ignored, the last occurrence of an
 * attribute wins. The doctor judges the result; it never rewrites it.
 */

export type SameSite = 'strict' | 'lax' | 'none' | 'unset';

export interface ParsedCookie {
  /** The Set-Cookie line as received. */
  line: string;
  name: string;
  value: string;
  /** `Domain` without its leading dot, lower-cased; `undefined` for a host-only cookie. */
  domain: string | undefined;
  path: string | undefined;
  secure: boolean;
  httpOnly: boolean;
  /** `unset` when the attribute is absent or its value is not one of the three (then it is ignored). */
  sameSite: SameSite;
  partitioned: boolean;
  maxAgeSeconds: number | undefined;
  expires: Date | undefined;
  /** Octets of name plus value; browsers ignore a cookie over 4096 (§5.6). */
  nameValueBytes: number;
}

export function parseSetCookie(line: string): ParsedCookie {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  // §5.6: a pair without '=' is a cookie with an empty name.
  const name = eq === -1 ? '' : pair.slice(0, eq).trim();
  const value = (eq === -1 ? pair : pair.slice(eq + 1)).trim();
  const cookie: ParsedCookie = {
    line,
    name,
    value,
    domain: undefined,
    path: undefined,
    secure: false,
    httpOnly: false,
    sameSite: 'unset',
    partitioned: false,
    maxAgeSeconds: undefined,
    expires: undefined,
    nameValueBytes: Buffer.byteLength(name) + Buffer.byteLength(value),
  };
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const raw = at === -1 ? '' : attribute.slice(at + 1).trim();
    switch (key) {
      case 'domain':
        // §5.6.3: an empty Domain is ignored; a leading dot is dropped.
        cookie.domain = raw === '' ? undefined : raw.replace(/^\./, '').toLowerCase();
        break;
      case 'path':
        cookie.path = raw.startsWith('/') ? raw : undefined;
        break;
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'partitioned':
        cookie.partitioned = true;
        break;
      case 'samesite': {
        const lowered = raw.toLowerCase();
        cookie.sameSite = lowered === 'strict' || lowered === 'lax' || lowered === 'none' ? lowered : 'unset';
        break;
      }
      case 'max-age':
        if (/^-?\d+$/.test(raw)) cookie.maxAgeSeconds = Number(raw);
        break;
      case 'expires': {
        const date = new Date(raw);
        if (!Number.isNaN(date.getTime())) cookie.expires = date;
        break;
      }
      default:
        break;
    }
  }
  return cookie;
}

/** A cookie that removes itself: Max-Age ≤ 0, or (without Max-Age, which wins) an Expires in the past. */
export function isDeletion(cookie: ParsedCookie, now: number): boolean {
  if (cookie.maxAgeSeconds !== undefined) return cookie.maxAgeSeconds <= 0;
  return cookie.expires !== undefined && cookie.expires.getTime() <= now;
}

/** A browser-session cookie: neither Max-Age nor Expires, so it is gone when the browser (or app) quits. */
export function isSessionOnly(cookie: ParsedCookie): boolean {
  return cookie.maxAgeSeconds === undefined && cookie.expires === undefined;
}

/** Names that carry a CSRF token by convention (crossauth, Django, Angular, Laravel, Rails, csurf). */
export function looksLikeCsrfCookie(name: string): boolean {
  return /csrf|xsrf/i.test(name);
}
