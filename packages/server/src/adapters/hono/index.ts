import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext, Auth } from '../../auth/create-auth.js';
import { bodyReaderOf, toResponse, viewOf } from '../fetch/index.js';

export type CrossauthEnv = { Variables: { crossauth: AppContext } };

export interface HonoOptions {
  /** The caller's address for throttling, e.g. `(c) => getConnInfo(c).remote.address ?? ''` on Node. */
  getClientAddress?: (c: Context) => string;
}

/**
 * Hono 4, on top of the fetch adapter: `app.use(crossauth(auth))`. crossauth answers preflights,
 * refusals and `/auth/*`; other requests continue with `c.get('crossauth')` and crossauth's headers are
 * added to whatever the route answers. `app.onError` can use `auth.errorAnswer` for `HttpError`s.
 */
export function crossauth(auth: Auth, options: HonoOptions = {}): MiddlewareHandler<CrossauthEnv> {
  return async (c, next) => {
    const request = c.req.raw;
    const url = new URL(request.url);
    const result = await auth.handle(viewOf(request, url, options.getClientAddress?.(c) ?? ''), bodyReaderOf(request));
    if (result.kind === 'respond') return toResponse(result.verdict);
    c.set('crossauth', result.context);
    await next();
    const headers = result.context.headers;
    for (const name of Object.keys(headers)) {
      if (name === 'Vary') c.res.headers.append('Vary', headers[name]!);
      else c.res.headers.set(name, headers[name]!);
    }
  };
}
