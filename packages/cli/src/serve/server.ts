import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuth, type Auth, type AuthOptions } from '@crossauth/server';
import { createNodeHandler } from '@crossauth/server/node';
import type { ServeConfig } from './config.js';
import { notesApp } from './notes-routes.js';
import { openStore, type OpenedStore } from './open-store.js';

/** Options for tests and embedders, beyond the command line: anything `createAuth` accepts. */
export type ReferenceServerOverrides = Partial<Omit<AuthOptions, 'store' | 'secret' | 'origins'>>;

export interface ReferenceServer {
  server: Server;
  auth: Auth;
  opened: OpenedStore;
  /** `http://host:port` as bound (the real port when 0 was asked). */
  url: string;
  close(): Promise<void>;
}

/** Starts the reference server of DESIGN.md's HTTP contract and resolves once it listens. */
export async function startReferenceServer(config: ServeConfig, overrides: ReferenceServerOverrides = {}): Promise<ReferenceServer> {
  const opened = await openStore(config.store, config.secret);
  let auth: Auth;
  try {
    auth = createAuth({
      origins: config.origins,
      store: opened.store,
      secret: opened.secret,
      publicUrl: config.publicUrl,
      trustProxy: config.trustProxy,
      development: config.defaultOrigins,
      ...overrides,
    });
  } catch (error) {
    await opened.close();
    throw error;
  }
  const server = createServer(createNodeHandler(auth, notesApp(opened.notes)));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    auth,
    opened,
    url: `http://${host}:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      auth.close();
      await opened.close();
    },
  };
}
