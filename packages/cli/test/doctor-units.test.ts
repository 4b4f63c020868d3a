import { describe, expect, it } from 'vitest';
import { appRequestHeaders, needsPreflight, preflightHeaderNames } from '../src/doctor/cors-checks.js';
import { isDeletion, isSessionOnly, parseSetCookie } from '../src/doctor/set-cookie.js';
import { domainMatches, isLoopbackHost, isPublicSuffix, topologyOf } from '../src/doctor/topology.js';

/** The doctor's pure parts: sites and topology, Set-Cookie parsing, and the headers a browser preflights. */

describe('topology', () => {
  it('tells same-origin, same-site and cross-site apart with the Public Suffix List', () => {
    expect(topologyOf('https://app.example.com', 'https://app.example.com/auth/me').relation).toBe('same-origin');
    expect(topologyOf('https://app.example.com', 'https://api.example.com').relation).toBe('same-site');
    expect(topologyOf('https://app.example.co.uk', 'https://api.example.co.uk').relation).toBe('same-site');
    expect(topologyOf('https://app.example.com', 'https://api.other.com').relation).toBe('cross-site');
    // github.io is a (private) public suffix: two users' pages are two sites.
    expect(topologyOf('https://alice.github.io', 'https://bob.github.io').relation).toBe('cross-site');
  });

  it('is schemeful and ignores ports', () => {
    expect(topologyOf('http://app.example.com', 'https://api.example.com').relation).toBe('cross-site');
    expect(topologyOf('http://localhost:5173', 'http://localhost:3000').relation).toBe('same-site');
    expect(topologyOf('http://localhost:5173', 'http://127.0.0.1:3000').relation).toBe('cross-site');
  });

  it('recognises the hybrid-app origins', () => {
    expect(topologyOf('capacitor://localhost', 'https://api.example.com')).toMatchObject({ relation: 'cross-site', hybrid: 'capacitor-ios' });
    expect(topologyOf('ionic://localhost', 'https://api.example.com').hybrid).toBe('ionic-ios');
    expect(topologyOf('https://localhost', 'https://api.example.com').hybrid).toBe('capacitor-android');
    expect(topologyOf('https://app.example.com', 'https://api.example.com').hybrid).toBeNull();
  });

  it('treats loopback names and addresses as secure contexts over http, and nothing else', () => {
    for (const host of ['localhost', 'api.localhost', '127.0.0.1', '127.1.2.3', '::1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['app.test', '10.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(host), host).toBe(false);
    expect(topologyOf('https://app.example.com', 'http://[::1]:3000').apiTrustworthy).toBe(true);
    expect(topologyOf('https://app.example.com', 'http://api.example.com').apiTrustworthy).toBe(false);
  });

  it('matches cookie domains as RFC 6265bis does', () => {
    expect(domainMatches('api.example.com', 'example.com')).toBe(true);
    expect(domainMatches('api.example.com', 'api.example.com')).toBe(true);
    expect(domainMatches('badexample.com', 'example.com')).toBe(false);
    expect(domainMatches('127.0.0.1', '0.0.1')).toBe(false);
    expect(isPublicSuffix('com')).toBe(true);
    expect(isPublicSuffix('github.io')).toBe(true);
    expect(isPublicSuffix('example.com')).toBe(false);
  });
});

describe('Set-Cookie parsing', () => {
  it('reads attributes case-insensitively, drops a leading dot from Domain and keeps the last value', () => {
    const cookie = parseSetCookie('sid=a=b; domain=.Example.COM; PATH=/; secure; HttpOnly; SameSite=none; Partitioned; Max-Age=10; max-age=20');
    expect(cookie).toMatchObject({ name: 'sid', value: 'a=b', domain: 'example.com', path: '/', secure: true, httpOnly: true, sameSite: 'none', partitioned: true, maxAgeSeconds: 20 });
  });

  it('treats an unknown SameSite value as absent', () => {
    expect(parseSetCookie('sid=1; SameSite=Bogus').sameSite).toBe('unset');
  });

  it('knows deletions and browser-session cookies', () => {
    expect(isDeletion(parseSetCookie('sid=; Max-Age=0'), Date.now())).toBe(true);
    expect(isDeletion(parseSetCookie('sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'), Date.now())).toBe(true);
    expect(isSessionOnly(parseSetCookie('sid=1; Path=/'))).toBe(true);
    expect(isSessionOnly(parseSetCookie('sid=1; Max-Age=60'))).toBe(false);
  });

  it('counts name and value in bytes, not characters', () => {
    expect(parseSetCookie('n=é').nameValueBytes).toBe(3);
  });
});

describe('the request a browser preflights', () => {
  it('adds Content-Type and X-CSRF-Token to unsafe requests, as the crossauth client does', () => {
    expect(appRequestHeaders('GET', [])).toEqual([]);
    expect(appRequestHeaders('POST', [])).toEqual(['content-type', 'x-csrf-token']);
    expect(appRequestHeaders('DELETE', ['Authorization'])).toEqual(['authorization', 'x-csrf-token']);
    expect(appRequestHeaders('POST', ['X-XSRF-TOKEN'])).toEqual(['x-xsrf-token', 'content-type']);
  });

  it('preflights non-simple methods and unsafe headers only, with the names sorted', () => {
    expect(needsPreflight('GET', [])).toBe(false);
    expect(needsPreflight('GET', ['accept'])).toBe(false);
    expect(needsPreflight('PUT', [])).toBe(true);
    expect(needsPreflight('GET', ['authorization'])).toBe(true);
    expect(preflightHeaderNames(['x-csrf-token', 'accept', 'content-type'])).toEqual(['content-type', 'x-csrf-token']);
  });
});
