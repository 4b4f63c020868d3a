import type { ServeConfig } from './config.js';
import type { ReferenceServer } from './server.js';

/** What `crossauth serve` prints at startup: where it listens, what it trusts, and how to try it. */
export function banner(config: ServeConfig, running: ReferenceServer): string {
  const origin = config.origins.find((entry) => entry.includes('://')) ?? 'http://localhost:5173';
  // On loopback, show `localhost`: a same-site origin for the default app at http://localhost:5173.
  const url = running.url.replace('//127.0.0.1:', '//localhost:');
  return `crossauth reference server listening on ${url}
  store:   ${running.opened.description}
  secret:  ${running.opened.secretSource}
  origins: ${config.origins.join(', ')}${config.defaultOrigins ? '  (default; set --origin or CROSSAUTH_ORIGINS)' : ''}

Try it (curl keeps cookies in jar.txt; cookie routes need an Origin from the allowlist):
  curl -s -c jar.txt -b jar.txt ${url}/auth/csrf
  curl -s -c jar.txt -b jar.txt -H "Origin: ${origin}" -H "X-CSRF-Token: <csrfToken from above>" \\
       -H 'Content-Type: application/json' -d '{"email":"ada@example.com","password":"correct horse battery"}' ${url}/auth/signup
The README's "Try it with curl" walks through signup, a note and logout.
`;
}
