export { createCsrfTokens, type CsrfTokens, type CsrfBinding, type CsrfCheck } from './token.js';
export { isTrustedOrigin } from './origin-check.js';
