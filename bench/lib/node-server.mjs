// Helpers for contenders built on node:http.
import { once } from 'node:events';

/** Listens on a free loopback port; resolves to the port. */
export async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

/** The whole request body as a string. */
export async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
