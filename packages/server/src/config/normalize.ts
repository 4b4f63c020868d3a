import { CSRF_PRESETS } from '@crossauth/protocol';
import type { CsrfPreset } from '@crossauth/protocol';
import { defaultRandom } from '../crypto/index.js';
import { ConfigError } from './errors.js';
import type { AuthOptions } from './options.js';

/** Options after defaults and validation: what the request path reads. Every duration in milliseconds. */
export interface NormalizedOptions {
  secret: Buffer;
  publicOrigin: { scheme: string; host: string; origin: string } | undefined;
  trustProxy: boolean;
  development: boolean;
  session: { idleMs: number; absoluteMs: number; rememberIdleMs: number; rememberAbsoluteMs: number; renewIntervalMs: number };
  tokens: { accessMs: number; refreshMs: number; refreshReuseGraceMs: number; lastUsedIntervalMs: number };
  basicAuth: boolean;
  csrfCookie: { name: string; domain: string | undefined } | undefined;
  partitioned: boolean;
  storeTimeoutMs: number;
  clock: () => number;
  random: NonNullable<AuthOptions['random']>;
  onWarning: (message: string) => void;
}

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOMAIN = /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

function seconds(value: number | undefined, fallback: number, option: string): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen <= 0) throw new ConfigError(`${option} must be a positive number of seconds (got ${String(value)}).`);
  return chosen * 1000;
}

function parsePublicUrl(value: string | undefined): NormalizedOptions['publicOrigin'] {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`publicUrl "${value}" is not a URL: give the API's public origin, e.g. "https://api.example.com".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`publicUrl "${value}" must be an http or https origin, e.g. "https://api.example.com".`);
  }
  return { scheme: url.protocol.slice(0, -1), host: url.host, origin: url.origin };
}

export function normalizeOptions(options: AuthOptions): NormalizedOptions {
  if (options.store === undefined) throw new ConfigError('store is required: e.g. sqliteStore({ filename: "./crossauth.db" }) or memoryStore() in tests.');
  const secret = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret ?? []);
  if (secret.length < 32) {
    throw new ConfigError('secret must be at least 32 bytes (set CROSSAUTH_SECRET, e.g. to the output of `openssl rand -base64 48`).');
  }
  const session = options.session ?? {};
  const tokens = options.tokens ?? {};
  const grace = tokens.refreshReuseGraceSeconds ?? 0;
  if (!Number.isFinite(grace) || grace < 0) throw new ConfigError('tokens.refreshReuseGraceSeconds must be 0 or a positive number of seconds.');
  const csrf = options.csrf ?? {};
  const preset: CsrfPreset = csrf.preset ?? 'default';
  if (!Object.hasOwn(CSRF_PRESETS, preset)) {
    throw new ConfigError(`csrf.preset "${String(preset)}" is unknown: use one of ${Object.keys(CSRF_PRESETS).join(', ')}.`);
  }
  const cookieName = csrf.cookieName ?? CSRF_PRESETS[preset].cookieName;
  if (!COOKIE_NAME.test(cookieName) || cookieName.startsWith('__Host-') || cookieName.startsWith('__Secure-')) {
    throw new ConfigError(`csrf.cookieName "${cookieName}" is not a plain cookie name (letters, digits and !#$%&'*+-.^_\`|~; no __Host- prefix, since the readable cookie may carry a Domain).`);
  }
  if (csrf.cookieDomain !== undefined && !DOMAIN.test(csrf.cookieDomain)) {
    throw new ConfigError(`csrf.cookieDomain "${csrf.cookieDomain}" is not a domain name, e.g. "example.com".`);
  }
  const cacheTtl = options.sessionCache?.ttlSeconds;
  if (options.sessionCache !== undefined && (typeof cacheTtl !== 'number' || !(cacheTtl > 0) || cacheTtl > 300)) {
    throw new ConfigError('sessionCache.ttlSeconds must be a number of seconds between 0 and 300: it is how long a logout elsewhere can go unseen without an invalidation channel.');
  }
  const cacheSize = options.sessionCache?.maxEntries;
  if (cacheSize !== undefined && (!Number.isSafeInteger(cacheSize) || cacheSize < 1)) {
    throw new ConfigError('sessionCache.maxEntries must be a positive whole number.');
  }
  const storeTimeoutMs = options.storeTimeoutMs ?? 1000;
  if (!Number.isFinite(storeTimeoutMs) || storeTimeoutMs <= 0) throw new ConfigError('storeTimeoutMs must be a positive number of milliseconds.');

  return {
    secret,
    publicOrigin: parsePublicUrl(options.publicUrl),
    trustProxy: options.trustProxy ?? false,
    development: options.development ?? false,
    session: {
      idleMs: seconds(session.idleTimeoutSeconds, 12 * 3600, 'session.idleTimeoutSeconds'),
      absoluteMs: seconds(session.absoluteLifetimeSeconds, 7 * 86400, 'session.absoluteLifetimeSeconds'),
      rememberIdleMs: seconds(session.rememberIdleTimeoutSeconds, 30 * 86400, 'session.rememberIdleTimeoutSeconds'),
      rememberAbsoluteMs: seconds(session.rememberAbsoluteLifetimeSeconds, 90 * 86400, 'session.rememberAbsoluteLifetimeSeconds'),
      renewIntervalMs: seconds(session.renewIntervalSeconds, 60, 'session.renewIntervalSeconds'),
    },
    tokens: {
      accessMs: seconds(tokens.accessTokenLifetimeSeconds, 900, 'tokens.accessTokenLifetimeSeconds'),
      refreshMs: seconds(tokens.refreshTokenLifetimeSeconds, 30 * 86400, 'tokens.refreshTokenLifetimeSeconds'),
      refreshReuseGraceMs: grace * 1000,
      lastUsedIntervalMs: seconds(tokens.lastUsedIntervalSeconds, 60, 'tokens.lastUsedIntervalSeconds'),
    },
    basicAuth: options.basicAuth ?? false,
    csrfCookie: csrf.readableCookie === false ? undefined : { name: cookieName, domain: csrf.cookieDomain },
    partitioned: options.cookies?.partitioned ?? true,
    storeTimeoutMs,
    clock: options.clock ?? Date.now,
    random: options.random ?? defaultRandom,
    onWarning: options.onWarning ?? ((message) => console.warn(`crossauth: ${message}`)),
  };
}
