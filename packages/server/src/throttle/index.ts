export { normalizeClientAddress } from './client-address.js';
export { createLoginThrottle, DEFAULT_LOGIN_THROTTLE } from './login-throttle.js';
export type { LoginThrottle, LoginThrottleOptions, ThrottleDecision, ThrottleStore } from './login-throttle.js';
