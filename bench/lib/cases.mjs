// The load cases. Each builds its request from a contender's credentials (see each contender's `prepare`).
import { APP_ORIGIN, ECHO_BODY, NOTE_BODY } from './constants.mjs';

const json = (credentials) => ({
  Origin: APP_ORIGIN,
  Cookie: credentials.cookie,
  'Content-Type': 'application/json',
  [credentials.csrfHeader ?? 'X-CSRF-Token']: credentials.csrfToken,
});

export const CASES = [
  {
    id: 'preflight',
    title: 'Preflight from an allowed origin',
    measures: 'OPTIONS /echo with Origin, Access-Control-Request-Method: POST and Access-Control-Request-Headers: content-type, x-csrf-token; answered 204 by the CORS layer, never reaching auth.',
    request: () => ({
      method: 'OPTIONS',
      path: '/echo',
      headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type, x-csrf-token' },
    }),
  },
  {
    id: 'me',
    title: 'Authenticated GET /auth/me',
    measures: 'GET /auth/me with the session cookie from a real login, from the allowed origin: CORS headers, cookie parse, session validation (a store read), the user as JSON. Bare node:http answers a fixed user.',
    request: (credentials) => ({ method: 'GET', path: '/auth/me', headers: { Origin: APP_ORIGIN, Cookie: credentials.cookie } }),
  },
  {
    id: 'echo',
    title: 'CSRF-protected POST (echo)',
    measures: 'POST /echo, an application route behind the auth layer that parses a small JSON body and sends it back, with the session cookie and the CSRF token from login: origin check, session validation, CSRF verification, body read. Bare node:http does only the echo.',
    request: (credentials) => ({ method: 'POST', path: '/echo', headers: json(credentials), body: ECHO_BODY }),
  },
  {
    id: 'notes',
    title: 'POST /api/notes (a SQLite write)',
    measures: "The reference server's demo route: the protected POST plus one INSERT into SQLite (WAL). Bare node:http does the same INSERT without auth.",
    request: (credentials) => ({ method: 'POST', path: '/api/notes', headers: json(credentials), body: NOTE_BODY }),
  },
];

export const LOGIN_CASE = {
  id: 'login',
  title: 'Login while authenticated reads run',
  measures:
    'Logins (the real password hash) on 2 connections, and at the same time GET /auth/me on 1 connection: logins/s, and the p99 of GET /auth/me with and without logins running. A p99 far below the hash time means hashing does not block the event loop.',
};
