export { createAuth, type Auth, type AppContext, type HandleResult } from './auth/create-auth.js';
export { can, requireAbility, type Principal } from './auth/principal.js';
export { ConfigError, type AuthOptions, type SessionOptions, type CsrfOptions, type CookieOptions, type CorsTuning } from './config/index.js';
export type { RequestView, ResponseHeaders, Verdict, BodyReader, BodyResult } from './http/index.js';
export { HttpError, jsonVerdict, emptyVerdict, errorVerdict, readJsonObject, stringField } from './http/index.js';
export type { OriginEntry } from './cors/index.js';
export type * from './store/types.js';
export { StoreUnavailableError } from './store/index.js';
export type { SessionCacheOptions, InvalidationChannel, InvalidationEvent } from './session/index.js';
