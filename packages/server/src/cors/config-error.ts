import { ConfigError } from '../config/errors.js';

/**
 * A CORS configuration mistake found at `createAuth` time. It is a `ConfigError`, so whoever catches
 * configuration errors (the CLI, an embedder) catches this one too; the message names the entry and the fix.
 */
export class CorsConfigError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'CorsConfigError';
  }
}
