/** The SPA origin every contender allows, and the one user every contender knows. */
export const APP_ORIGIN = 'https://app.example.com';
export const USER = { email: 'bench@example.com', password: 'correct horse battery staple', name: 'Bench User' };
/** The small JSON body of the protected POST; every contender answers it back. */
export const ECHO_BODY = JSON.stringify({ hello: 'world', items: [1, 2, 3], nested: { ok: true } });
export const NOTE_BODY = JSON.stringify({ text: 'a note written by the benchmark' });
/** A 48-byte secret for every stack that needs one (never a real deployment's). */
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
