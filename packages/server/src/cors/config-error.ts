/**
 * Thrown when `createAuth` compiles a CORS configuration that cannot be made safe. The message names
 * the offending option or entry and the fix, e.g.
 * `origins: '*' cannot be combined with credentials: list the app origins, …`.
 *
 * Only configuration mistakes throw; a request from a refused origin is an ordinary `false`.
 */
export class CorsConfigError extends Error {
  override readonly name = 'CorsConfigError';
}
