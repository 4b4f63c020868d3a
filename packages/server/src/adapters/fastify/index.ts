import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, Auth } from '../../auth/create-auth.js';
import { nodeBodyReader, nodeRequestView, writeVerdict } from '../node/index.js';

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
      // crossauth's own answers are complete: write them straight to the socket, as the node adapter
      // does, instead of through Fastify's reply pipeline (serialisers and onSend hooks have nothing to
      // add; it cost about a quarter of the request). Fastify's onSend/onResponse hooks do not see them.
      reply.hijack();
      writeVerdict(request.raw, reply.raw, result.verdict);
      return;
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
