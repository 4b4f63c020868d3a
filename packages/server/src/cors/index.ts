/**
 * CORS for credentialed cross-origin callers: strict origin parsing, the one server allowlist (shared
 * with the CSRF origin check), and the per-request CORS decision.
 */
export { compileAllowlist } from './allowlist.js';
export type { AllowlistOptions, CompiledAllowlist, OriginEntry } from './allowlist.js';
export { CorsConfigError } from './config-error.js';
export { MAX_ORIGIN_LENGTH, defaultPort, normalizeConfiguredOrigin, parseOrigin } from './origin.js';
export type { ParsedOrigin } from './origin.js';
export {
  DEFAULT_ALLOWED_HEADERS,
  DEFAULT_ALLOWED_METHODS,
  DEFAULT_MAX_AGE_SECONDS,
  compileCorsPolicy,
} from './policy.js';
export type { CorsDecision, CorsOptions, CorsPolicy, PreflightAnswer } from './policy.js';
export { mergeVary } from './vary.js';
