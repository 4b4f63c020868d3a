import type { ServerResponse } from 'node:http';
import type { AppContext } from '../../auth/create-auth.js';

/** Puts crossauth's headers for an application answer on a node response, appending to any `Vary`. */
export function applyContextHeaders(res: ServerResponse, context: AppContext): void {
  const headers = context.headers;
  for (const name of Object.keys(headers)) {
    const value = headers[name]!;
    if (name === 'Vary') {
      const existing = res.getHeader('Vary');
      res.setHeader('Vary', existing === undefined ? value : `${String(existing)}, ${value}`);
    } else {
      res.setHeader(name, value);
    }
  }
}
