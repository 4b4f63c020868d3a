export type { AuthOptions, SessionOptions, TokenOptions, CsrfOptions, CookieOptions, CorsTuning } from './options.js';
export { ConfigError } from './errors.js';
export { normalizeOptions, type NormalizedOptions } from './normalize.js';
