export { normalizeEmail, normalizePassword } from './policy.js';
export type { PasswordCheck } from './policy.js';
export { createPasswordHasher, DEFAULT_PASSWORD_HASHING } from './hasher.js';
export type {
  PasswordHasher,
  PasswordHasherStats,
  PasswordHashingOptions,
  PasswordVerification,
} from './hasher.js';
