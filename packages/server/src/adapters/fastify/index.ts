import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, Auth } from '../../auth/create-auth.js';
import { nodeBodyReader, nodeRequestView } from '../node/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by crossauth for requests that reach the application's routes. */
    crossauth: AppContext | null;
  }
}

/**
 * Fastify 5: `registerCrossauth(app, auth)` on the root instance (not inside `register`, so the hook is
 * not encapsulated). An `onRequest` hook answers preflights, refusals and `/auth/*` before Fastify
 * parses any body; other requests continue with `request.crossauth` set and crossauth's headers on the
 * reply. Errors from `requireAbility`/`HttpError` in routes become catalogue answers.
 */
export function registerCrossauth(app: FastifyInstance, auth: Auth): void {
  app.decorateRequest('crossauth', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await auth.handle(nodeRequestView(request.raw), nodeBodyReader(request.raw));
    if (result.kind === 'respond') {
      const { verdict } = result;
      reply.code(verdict.status).headers(verdict.headers);
      if (verdict.cookies.length > 0) reply.header('set-cookie', verdict.cookies);
      if (!request.raw.complete) request.raw.resume();
      return reply.send(verdict.body ?? '');
    }
    request.crossauth = result.context;
    reply.headers(result.context.headers);
  });
  const previous = app.errorHandler;
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let verdict;
    try {
      verdict = auth.errorAnswer(error, request.crossauth?.headers ?? {});
    } catch {
      return previous.call(app, error, request, reply);
    }
    return reply.code(verdict.status).headers(verdict.headers).send(verdict.body);
  });
}
