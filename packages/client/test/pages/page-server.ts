import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Resolves `@crossauth/protocol` to its source, as the vitest aliases do, so a stale dist never matters. */
export const protocolFromSource: Plugin = {
  name: 'protocol-from-source',
  setup(builder) {
    builder.onResolve({ filter: /^@crossauth\/protocol$/ }, () => ({ path: here('../../../protocol/src/index.ts') }));
  },
};

/** Bundles the AngularJS page and serves it, with angular.min.js, from a second loopback server (the app's origin). */
export async function startPageServer() {
  const bundle = await build({
    entryPoints: [here('./angularjs-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    plugins: [protocolFromSource],
  });
  const files: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><html><body><script src="/angular.min.js"></script><script src="/app.js"></script></body></html>'],
    '/angular.min.js': ['text/javascript', readFileSync(here('../../../../node_modules/angular/angular.min.js'), 'utf8')],
    '/app.js': ['text/javascript', bundle.outputFiles[0]!.text],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://page').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': `${file[0]}; charset=utf-8` }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
