export { Tokens, type TokenPolicy, type DevicePair } from './tokens.js';
export { generateToken, parseToken, TOKEN_LENGTH } from './format.js';
export { grants, requestedAbilities } from './abilities.js';
