import { createServer as createNodeServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as serveHono } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createAuth, HttpError, requireAbility, type Auth, type Principal } from '@crossauth/server';
import { crossauth as expressCrossauth, contextOf, crossauthErrors } from '@crossauth/server/express';
import { registerCrossauth } from '@crossauth/server/fastify';
import { createFetchHandler } from '@crossauth/server/fetch';
import { crossauth as honoCrossauth, type CrossauthEnv } from '@crossauth/server/hono';
import { createNodeHandler, nodeRequestView, writeVerdict } from '@crossauth/server/node';
import { memoryStore } from '@crossauth/server/stores/memory';

/**
 * The reference routes (`/auth/*` from crossauth, `/api/notes` written in each framework's own idiom)
 * mounted in every adapter, so one contract suite can run against all of them.
 */

export const APP_ORIGIN = 'https://app.example.com';

export interface AdapterServer {
  url: string;
  close(): Promise<void>;
}

function newAuth(): Auth {
  return createAuth({
    origins: [APP_ORIGIN],
    store: memoryStore(),
    secret: 'adapter-conformance-secret-0123456789abcdef',
    passwords: { memoryCostKiB: 1024, timeCost: 1 },
    throttle: { signupMaxAttempts: 10_000 },
    onWarning: () => {},
  });
}

/** The demo resource, shared by every framework's route: a list of notes per user. */
function notesOf() {
  const notes = new Map<string, string[]>();
  return {
    list: (principal: Principal) => ({ notes: (notes.get(principal.userId) ?? []).map((text) => ({ text })) }),
    add(principal: Principal, body: unknown) {
      const text = (body as { text?: unknown } | null)?.text;
      if (typeof text !== 'string' || text.length === 0) throw new HttpError('bad_request', '"text" must be a non-empty string.');
      notes.set(principal.userId, [...(notes.get(principal.userId) ?? []), text]);
      return { note: { text } };
    },
  };
}

function listen(server: Server): Promise<AdapterServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}

/** Serves a `(Request) => Response` handler on a free loopback port with @hono/node-server. */
function serveFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<AdapterServer> {
  return new Promise((resolve) => {
    const server = serveHono({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as Server).closeAllConnections?.();
          }),
      });
    });
  });
}

export const ADAPTERS: Record<string, () => Promise<AdapterServer>> = {
  async node() {
    const auth = newAuth();
    const notes = notesOf();
    return listen(
      createNodeServer(
        createNodeHandler(auth, async (req, res, context) => {
          if (nodeRequestView(req).path !== '/api/notes') throw new HttpError('not_found', 'Nothing here.');
          const { jsonVerdict } = await import('@crossauth/server');
          if (req.method === 'POST') {
            const principal = requireAbility(context.principal, 'notes:write');
            return writeVerdict(req, res, jsonVerdict(201, notes.add(principal, await readJson(req)), { ...context.headers, Vary: `Accept, ${context.headers.Vary}` }));
          }
          return writeVerdict(req, res, jsonVerdict(200, notes.list(requireAbility(context.principal, 'notes:read')), { ...context.headers, Vary: `Accept, ${context.headers.Vary}` }));
        }),
      ),
    );
  },

  async express() {
    const auth = newAuth();
    const notes = notesOf();
    const app = express();
    app.disable('x-powered-by');
    app.use(expressCrossauth(auth));
    app.use(express.json());
    app.get('/api/notes', (_req, res) => {
      res.vary('Accept');
      res.json(notes.list(requireAbility(contextOf(res).principal, 'notes:read')));
    });
    app.post('/api/notes', (req, res) => {
      res.vary('Accept');
      res.status(201).json(notes.add(requireAbility(contextOf(res).principal, 'notes:write'), req.body));
    });
    app.use((_req, _res, next) => next(new HttpError('not_found', 'Nothing here.')));
    app.use(crossauthErrors(auth));
    return listen(createNodeServer(app));
  },

  async fastify() {
    const auth = newAuth();
    const notes = notesOf();
    const app = Fastify();
    registerCrossauth(app, auth);
    app.get('/api/notes', async (request, reply) => {
      reply.header('Vary', `Accept, ${request.crossauth?.headers.Vary ?? ''}`);
      return notes.list(requireAbility(request.crossauth?.principal ?? null, 'notes:read'));
    });
    app.post('/api/notes', async (request, reply) => {
      reply.header('Vary', `Accept, ${request.crossauth?.headers.Vary ?? ''}`);
      return reply.code(201).send(notes.add(requireAbility(request.crossauth?.principal ?? null, 'notes:write'), request.body));
    });
    app.setNotFoundHandler(() => {
      throw new HttpError('not_found', 'Nothing here.');
    });
    await app.ready();
    return listen(app.server);
  },

  async hono() {
    const auth = newAuth();
    const notes = notesOf();
    const app = new Hono<CrossauthEnv>();
    app.use(honoCrossauth(auth, { getClientAddress: (c) => getConnInfo(c).remote.address ?? '' }));
    app.get('/api/notes', (c) => {
      c.header('Vary', 'Accept');
      return c.json(notes.list(requireAbility(c.get('crossauth').principal, 'notes:read')));
    });
    app.post('/api/notes', async (c) => {
      c.header('Vary', 'Accept');
      return c.json(notes.add(requireAbility(c.get('crossauth').principal, 'notes:write'), await c.req.json()), 201);
    });
    app.notFound(() => {
      throw new HttpError('not_found', 'Nothing here.');
    });
    app.onError((error, c) => {
      const verdict = auth.errorAnswer(error, c.get('crossauth')?.headers ?? {});
      return new Response(verdict.body, { status: verdict.status, headers: verdict.headers });
    });
    return serveFetch(app.fetch);
  },

  async fetch() {
    const auth = newAuth();
    const notes = notesOf();
    const handler = createFetchHandler(auth, {
      getClientAddress: () => '127.0.0.1',
      app: async (request, context) => {
        if (new URL(request.url).pathname !== '/api/notes') throw new HttpError('not_found', 'Nothing here.');
        const headers = { Vary: 'Accept' };
        if (request.method === 'POST') return Response.json(notes.add(requireAbility(context.principal, 'notes:write'), await request.json()), { status: 201, headers });
        return Response.json(notes.list(requireAbility(context.principal, 'notes:read')), { headers });
      },
    });
    return serveFetch(handler);
  },
};
