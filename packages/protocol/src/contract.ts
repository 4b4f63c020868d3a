/** Shapes of the reference server's JSON answers (DESIGN.md, HTTP contract). */

export interface PublicUser {
  id: string;
  email: string;
}

export interface CsrfAnswer {
  csrfToken: string;
  /** Whether this request carried the API's pre-session cookie: `false` on a second call means the browser drops the API's cookies. */
  cookies: boolean;
}

export interface UserAnswer {
  user: PublicUser;
}

export interface DeviceTokenAnswer {
  token: string;
  id: string;
  expiresAt: string;
  refreshToken: string;
}

/** `POST /auth/token/signup`: the new account and its first device token pair. */
export interface DeviceSignupAnswer extends DeviceTokenAnswer {
  user: PublicUser;
}

export interface TokenSummary {
  id: string;
  name: string;
  kind: 'personal' | 'device';
  abilities: string[];
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** Route paths of the contract. */
export const ROUTES = {
  csrf: '/auth/csrf',
  signup: '/auth/signup',
  login: '/auth/login',
  logout: '/auth/logout',
  password: '/auth/password',
  me: '/auth/me',
  token: '/auth/token',
  tokenRefresh: '/auth/token/refresh',
  tokenSignup: '/auth/token/signup',
  tokens: '/auth/tokens',
} as const;

/** Password length bounds in Unicode code points, after NFC normalisation. */
export const PASSWORD_MIN_CODE_POINTS = 8;
export const PASSWORD_MAX_CODE_POINTS = 1024;

/**
 * Bearer token prefixes, so a leaked token is recognisable (secret scanners) and its kind is known
 * without a lookup: personal access token, device access token, device refresh token. A token is
 * `prefix + 43 base64url characters (256 random bits) + 6 base62 characters of CRC-32 checksum`.
 */
export const TOKEN_PREFIXES = {
  personal: 'cxa_pat_',
  device: 'cxa_dat_',
  refresh: 'cxa_drt_',
} as const;

export type TokenPrefixKind = keyof typeof TOKEN_PREFIXES;

/** Abilities the reference server knows; applications define their own the same way. `*` is all. */
export const NOTES_READ = 'notes:read';
export const NOTES_WRITE = 'notes:write';
