import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { AppContext, Auth } from '../../auth/create-auth.js';
import { nodeBodyReader, nodeRequestView, writeVerdict } from '../node/index.js';
import { applyContextHeaders } from '../node/headers.js';

/**
 * Express 5: `app.use(crossauth(auth))` before any body parser (crossauth reads the body of its own
 * routes itself). It answers preflights, refusals and `/auth/*`; other requests continue with
 * `res.locals.crossauth` set and the CORS/Vary/Cache-Control headers already on the response.
 */
export function crossauth(auth: Auth): RequestHandler {
  return (req, res, next) => {
    auth.handle(nodeRequestView(req), nodeBodyReader(req)).then((result) => {
      if (result.kind === 'respond') return writeVerdict(req, res, result.verdict);
      res.locals.crossauth = result.context;
      applyContextHeaders(res, result.context);
      next();
    }, next);
  };
}

/** The crossauth context of a request that passed `crossauth(auth)`. */
export function contextOf(res: Response): AppContext {
  const context = res.locals.crossauth as AppContext | undefined;
  if (context === undefined) throw new Error('crossauth(auth) must run before this route: app.use(crossauth(auth)).');
  return context;
}

/**
 * Turns crossauth's errors thrown by routes (`requireAbility`, `HttpError`, a store outage) into
 * catalogue answers; anything else goes on to Express's own handler.
 */
export function crossauthErrors(auth: Auth): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, next) => {
    let verdict;
    try {
      verdict = auth.errorAnswer(error, {});
    } catch {
      return next(error);
    }
    if (res.headersSent) return next(error);
    res.status(verdict.status);
    for (const name of Object.keys(verdict.headers)) res.setHeader(name, verdict.headers[name]!);
    res.end(verdict.body);
  };
}
