/** A device token pair from `POST /auth/token` or `/auth/token/refresh`. */
export interface TokenPair {
  /** The access token, sent as `Authorization: Bearer`. */
  token: string;
  /** When the access token expires, in milliseconds since the epoch. */
  expiresAt: number;
  /** Spent once on `/auth/token/refresh`; the server rotates it. */
  refreshToken: string;
}

/** Where token mode keeps its pair. Async, so native stores (Capacitor Preferences) fit. */
export interface TokenStorage {
  get(): Promise<TokenPair | null>;
  /** `null` removes the pair. */
  set(pair: TokenPair | null): Promise<void>;
  /**
   * Whether other tabs see the same pair. Shared storage makes refresh coordinate across tabs (Web Locks,
   * else BroadcastChannel), so two tabs never spend the same refresh token — the server would revoke the family.
   */
  readonly shared?: boolean;
}

/** The default: tokens live in this page's memory only. A reload signs the user out; an XSS payload finds nothing stored. */
export function memoryStorage(): TokenStorage {
  let pair: TokenPair | null = null;
  return {
    get: async () => pair,
    set: async (next) => void (pair = next),
  };
}

/** Parses a stored pair, treating anything malformed as absent rather than failing every request. */
export function parsePair(text: string | null | undefined): TokenPair | null {
  try {
    const pair = JSON.parse(text ?? 'null') as TokenPair | null;
    return pair && typeof pair.token === 'string' && typeof pair.refreshToken === 'string' && typeof pair.expiresAt === 'number' ? pair : null;
  } catch {
    return null;
  }
}

/** The part of the Web Storage API used here (`localStorage`, `sessionStorage`). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Opt-in: keeps the pair in `localStorage`, so it survives reloads and is shared by the tabs of the origin.
 * Trade-off: any script that runs on the page — an XSS payload, a compromised dependency — can read the
 * refresh token and use it from elsewhere for up to its lifetime (30 days). Memory storage limits an XSS to
 * acting while the page is open. Prefer it unless reload-survival matters more than that exposure.
 */
export function localStorageStorage(key = 'crossauth.tokens', storage: StorageLike = (globalThis as { localStorage?: StorageLike }).localStorage!): TokenStorage {
  return {
    shared: true,
    get: async () => parsePair(storage.getItem(key)),
    set: async (pair) => (pair ? storage.setItem(key, JSON.stringify(pair)) : storage.removeItem(key)),
  };
}
