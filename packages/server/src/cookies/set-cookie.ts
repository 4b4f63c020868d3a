import { stringifySetCookie } from 'cookie';
import { HOST_PREFIX } from '@crossauth/protocol';
import type { CookieMode } from './mode.js';

/**
 * Set-Cookie lines for crossauth's own cookies. The invariants of the `__Host-` prefix (Secure, Path=/,
 * no Domain) and of `SameSite=None` (needs Secure) are types, so a call that breaks them does not compile.
 */
type HostPrefixedCookie = { hostPrefix: true; secure: true; domain?: never };
type PlainCookie = { hostPrefix: false; secure: boolean; domain?: string };
type SameSiteNone = { sameSite: 'none'; secure: true };
type SameSiteLax = { sameSite: 'lax' | 'strict' };

export type CookieSpec = (HostPrefixedCookie | PlainCookie) &
  (SameSiteNone | SameSiteLax) & {
    name: string;
    value: string;
    httpOnly: boolean;
    partitioned: boolean;
    /** Seconds; absent for a browser-session cookie, 0 to delete. */
    maxAgeSeconds?: number;
  };

export function setCookieLine(spec: CookieSpec): string {
  return stringifySetCookie({
    name: spec.hostPrefix ? HOST_PREFIX + spec.name : spec.name,
    value: spec.value,
    path: '/',
    domain: spec.hostPrefix ? undefined : spec.domain,
    httpOnly: spec.httpOnly,
    secure: spec.secure,
    sameSite: spec.sameSite,
    partitioned: spec.partitioned,
    maxAge: spec.maxAgeSeconds,
    expires: spec.maxAgeSeconds === 0 ? new Date(0) : undefined,
  });
}

/** A crossauth HttpOnly cookie (session, pre-session) in the given mode: `__Host-` whenever Secure. */
export function authCookie(mode: CookieMode, name: string, value: string, maxAgeSeconds?: number): string {
  const common = { name, value, httpOnly: true, partitioned: mode.partitioned, maxAgeSeconds } as const;
  if (mode.sameSite === 'none') return setCookieLine({ ...common, hostPrefix: true, secure: true, sameSite: 'none' });
  if (mode.secure) return setCookieLine({ ...common, hostPrefix: true, secure: true, sameSite: 'lax' });
  return setCookieLine({ ...common, hostPrefix: false, secure: false, sameSite: 'lax' });
}
