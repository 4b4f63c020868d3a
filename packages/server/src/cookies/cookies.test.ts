import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './jar.js';
import { createCookieModes } from './mode.js';
import { authCookie, setCookieLine } from './set-cookie.js';

const modes = createCookieModes({ partitioned: true });

describe('cookie mode per request', () => {
  it('is Lax towards a same-site caller: another port or a sibling host of the same registrable domain', () => {
    expect(modes.decide('http', 'localhost:3000', 'http://localhost:5173')).toMatchObject({ sameSite: 'lax', secure: false, sameSiteCaller: true });
    expect(modes.decide('https', 'api.example.com', 'https://app.example.com')).toMatchObject({ sameSite: 'lax', secure: true, partitioned: false });
    expect(modes.decide('https', 'api.example.co.uk', 'https://app.example.co.uk')).toMatchObject({ sameSite: 'lax' });
  });

  it('is None; Secure; Partitioned towards a cross-site caller', () => {
    const cross = { sameSite: 'none', secure: true, partitioned: true, sameSiteCaller: false };
    expect(modes.decide('http', 'localhost:3000', 'http://127.0.0.1:5173')).toEqual(cross);
    expect(modes.decide('https', 'api.example.com', 'https://app.other.com')).toEqual(cross);
    expect(modes.decide('https', 'api.example.com', 'capacitor://localhost')).toEqual(cross);
    expect(modes.decide('https', 'api.example.com', 'ionic://localhost')).toEqual(cross);
  });

  it('treats private public suffixes as site boundaries (a.github.io and b.github.io are different sites)', () => {
    expect(modes.decide('https', 'a.github.io', 'https://b.github.io')).toMatchObject({ sameSite: 'none' });
  });

  it('is schemeful: http and https of one domain are different sites', () => {
    expect(modes.decide('https', 'api.example.com', 'http://app.example.com')).toMatchObject({ sameSite: 'none' });
  });

  it('is Lax without an Origin (curl, navigations), Secure when the API is https', () => {
    expect(modes.decide('https', 'api.example.com', undefined)).toMatchObject({ sameSite: 'lax', secure: true });
    expect(modes.decide('http', 'localhost:3000', undefined)).toMatchObject({ sameSite: 'lax', secure: false });
  });

  it('leaves Partitioned off when configured so', () => {
    expect(createCookieModes({ partitioned: false }).decide('http', 'localhost:3000', 'http://127.0.0.1:5173')).toMatchObject({ sameSite: 'none', partitioned: false });
  });
});

describe('Set-Cookie lines', () => {
  it('X15 names a Secure auth cookie __Host- with Path=/ and no Domain', () => {
    const line = authCookie({ sameSite: 'none', secure: true, partitioned: true, sameSiteCaller: false }, 'crossauth-session', 'v');
    expect(line).toBe('__Host-crossauth-session=v; Path=/; HttpOnly; Secure; Partitioned; SameSite=None');
  });

  it('keeps a plain name for a same-site cookie over http', () => {
    expect(authCookie({ sameSite: 'lax', secure: false, partitioned: false, sameSiteCaller: true }, 'crossauth-session', 'v', 60)).toBe(
      'crossauth-session=v; Max-Age=60; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('expires a cookie with Max-Age=0 and a past Expires', () => {
    expect(authCookie({ sameSite: 'lax', secure: true, partitioned: false, sameSiteCaller: true }, 'x', '', 0)).toMatch(/^__Host-x=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('M4 encodes a value that would inject attributes, and refuses a domain that would', () => {
    const line = setCookieLine({ name: 'x', value: 'a; Domain=evil.com', hostPrefix: false, secure: false, sameSite: 'lax', httpOnly: true, partitioned: false });
    expect(line).toBe('x=a%3B%20Domain%3Devil.com; Path=/; HttpOnly; SameSite=Lax');
    expect(() => setCookieLine({ name: 'x', value: 'ok', domain: 'evil.com\r\nX: 1', hostPrefix: false, secure: false, sameSite: 'lax', httpOnly: true, partitioned: false })).toThrow();
  });
});

describe('the cookie jar', () => {
  it('M2 prefers the __Host- cookie over a plain one of the same name, whatever the order', () => {
    expect(new CookieJar('crossauth-session=B; __Host-crossauth-session=A').read('crossauth-session')).toEqual({ value: 'A', prefixed: true });
    expect(new CookieJar('crossauth-session=B').read('crossauth-session')).toEqual({ value: 'B', prefixed: false });
  });

  it('M2 keeps the first of duplicate names', () => {
    expect(new CookieJar('crossauth-session=A; crossauth-session=B').read('crossauth-session')?.value).toBe('A');
  });

  it('M3 never throws and never lets a cookie named __proto__ or constructor pollute anything', () => {
    const jar = new CookieJar('__proto__=1; constructor=1; toString=1; =__Host-crossauth-session=evil; crossauth-session=%1');
    expect(jar.read('crossauth-session')?.value).toBe('%1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (header) => {
        new CookieJar(header).read('crossauth-session');
      }),
    );
  });
});
