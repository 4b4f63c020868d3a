export type { AuthOptions, SessionOptions, CsrfOptions, CookieOptions, CorsTuning } from './options.js';
export { ConfigError } from './errors.js';
export { normalizeOptions, type NormalizedOptions } from './normalize.js';
