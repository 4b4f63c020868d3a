import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An attacker's site: pages that try, with the victim's cookies, to read `/auth/me` and to add a note —
 * by auto-submitting forms (urlencoded and text/plain, the "simple" requests that need no preflight)
 * and by a `no-cors` fetch. Each page writes what it saw into `document.title`.
 */
function pages(api: string): Record<string, string> {
  const form = (enctype: string, fields: string) => `<form id="f" method="POST" action="${api}/api/notes" enctype="${enctype}">${fields}</form>
<script>document.title = 'submitting'; document.getElementById('f').submit();</script>`;
  return {
    '/read': `<script>
fetch('${api}/auth/me', { credentials: 'include' })
  .then((response) => response.text())
  .then((text) => { document.title = 'read:' + text; }, () => { document.title = 'blocked'; });
</script>`,
    '/form-urlencoded': form('application/x-www-form-urlencoded', '<input name="text" value="forged by urlencoded form">'),
    '/form-text': form('text/plain', '<input name=\'{"text":"forged by text/plain form","x":"\' value=\'"}\'>'),
    '/no-cors': `<script>
fetch('${api}/api/notes', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{"text":"forged by no-cors fetch"}' })
  .then(() => { document.title = 'sent'; }, () => { document.title = 'sent'; });
</script>`,
  };
}

/**
 * Listens on 127.0.0.1:`port` (6666, as the issue names it; any free port if taken). The same pages are
 * reached as `http://localhost:PORT` (same-site with the API) and `http://127.0.0.1:PORT` (same site as
 * the cross-site app): the browser decides the attacker's origin by the name it was opened with.
 */
export async function startAttacker(api: string, port = 6666): Promise<{ port: number; close(): Promise<void> }> {
  const content = pages(api);
  const server: Server = createServer((req, res) => {
    const page = content[req.url ?? ''];
    res.writeHead(page ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' }).end(page ?? 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' || port === 0) return reject(error);
      server.listen(0, '127.0.0.1', resolve);
    });
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
