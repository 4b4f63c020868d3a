// A tiny HTTP client with a cookie jar, for each contender's setup (sign up, log in, fetch a CSRF token).
import { APP_ORIGIN } from './constants.mjs';

export class Client {
  /** @param {string} baseUrl */
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookies = new Map();
  }

  /** The `Cookie` header this client would send: `name=value; …`. */
  get cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Sends a request from the SPA origin; JSON bodies are serialised. Throws on an unexpected status. */
  async request(method, path, { body, headers = {}, expect } = {}) {
    const sent = { Origin: APP_ORIGIN, ...headers };
    if (this.cookies.size > 0) sent.Cookie = this.cookieHeader;
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    const response = await globalThis.fetch(this.baseUrl + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let json;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (expect !== undefined && response.status !== expect) {
      throw new Error(`${method} ${path}: expected ${expect}, got ${response.status} ${text.slice(0, 300)}`);
    }
    return { status: response.status, headers: response.headers, json, text };
  }
}
