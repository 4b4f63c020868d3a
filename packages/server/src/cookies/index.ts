export { CookieJar } from './jar.js';
export { createCookieModes, type CookieMode, type CookieModes, type CookieModeOptions } from './mode.js';
export { authCookie, setCookieLine, type CookieSpec } from './set-cookie.js';
