/** A configuration mistake, thrown by `createAuth` at startup with a message that names the option and the fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
