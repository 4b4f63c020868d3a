// The demo: the reference API on http://localhost:3000 and the two SPAs on port 5173.
// Run from the repository root: npm start
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from '@crossauth/cli';
import { buildSpas } from './server/build.mjs';
import { createStaticServer } from './server/static.mjs';

const publicDir = fileURLToPath(new URL('./public', import.meta.url));

/**
 * Starts the API and the app server. The API allows both spellings of the app origin: opened as
 * http://localhost:5173 the app is same-site with the API (different port, same site); opened as
 * http://127.0.0.1:5173 it is cross-site, and the API's cookies must be Partitioned to be kept.
 */
export async function startDemo({ apiPort = 3000, appPort = 5173, store = 'sqlite:./.crossauth/crossauth.db', partitioned = true, secret, overrides = {} } = {}) {
  await buildSpas();
  const app = createStaticServer(publicDir, () => apiUrl);
  await new Promise((resolve, reject) => {
    app.once('error', reject);
    app.listen(appPort, '127.0.0.1', resolve);
  });
  const boundAppPort = app.address().port;
  const api = await startReferenceServer(
    {
      port: apiPort,
      host: '127.0.0.1',
      origins: [`http://localhost:${boundAppPort}`, `http://127.0.0.1:${boundAppPort}`],
      defaultOrigins: false,
      store,
      publicUrl: undefined,
      trustProxy: false,
      secret,
    },
    { development: true, cookies: { partitioned }, ...overrides },
  );
  const apiUrl = api.url.replace('127.0.0.1', 'localhost');
  return {
    apiUrl,
    appUrls: { sameSite: `http://localhost:${boundAppPort}`, crossSite: `http://127.0.0.1:${boundAppPort}` },
    api,
    async close() {
      await new Promise((resolve) => {
        app.close(resolve);
        app.closeAllConnections();
      });
      await api.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const demo = await startDemo({
    apiPort: Number(process.env.PORT ?? 3000),
    appPort: Number(process.env.APP_PORT ?? 5173),
    store: process.env.CROSSAUTH_STORE,
    secret: process.env.CROSSAUTH_SECRET,
    partitioned: process.env.CROSSAUTH_PARTITIONED !== 'false',
  });
  console.log(`crossauth demo
  API:                      ${demo.apiUrl}   (store: ${demo.api.opened.description})
  app, same-site with API:  ${demo.appUrls.sameSite}/            plain SPA
                            ${demo.appUrls.sameSite}/angularjs/  AngularJS 1.x, the classic recipe
  app, cross-site:          ${demo.appUrls.crossSite}/            (Partitioned cookies, or token mode)

The API alone, with curl: see "Try it with curl" in README.md. Stop with Ctrl-C.`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
