// The physical limit: node:http with handlers that do the same trivial work as each case, no auth.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { listen, readBody } from '../lib/node-server.mjs';

const USER_JSON = JSON.stringify({ user: { id: 'u1', email: 'bench@example.com' } });

export default {
  label: 'bare node:http',
  kind: 'limit',
  baseline: null,
  cases: ['preflight', 'me', 'echo', 'notes'],
  async start({ origin, dataDir }) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dataDir, 'bare.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE notes (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL)');
    db.exec('CREATE INDEX notes_user ON notes (user_id, created_at)');
    const insert = db.prepare('INSERT INTO notes (id, user_id, text, created_at) VALUES (?, ?, ?, ?)');

    const server = createServer(async (req, res) => {
      const cors = { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          ...cors,
          'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
          'Access-Control-Allow-Headers': 'content-type, x-csrf-token',
          'Access-Control-Max-Age': '7200',
        });
        return res.end();
      }
      const json = { ...cors, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
      if (req.method === 'GET' && req.url === '/auth/me') {
        res.writeHead(200, json);
        return res.end(USER_JSON);
      }
      if (req.method === 'POST' && req.url === '/echo') {
        const body = JSON.parse(await readBody(req));
        res.writeHead(200, json);
        return res.end(JSON.stringify(body));
      }
      if (req.method === 'POST' && req.url === '/api/notes') {
        const { text } = JSON.parse(await readBody(req));
        const now = Date.now();
        const note = { id: randomUUID(), text, createdAt: new Date(now).toISOString() };
        insert.run(note.id, 'u1', text, now);
        res.writeHead(201, json);
        return res.end(JSON.stringify({ note }));
      }
      res.writeHead(404, json);
      res.end('{}');
    });
    return listen(server);
  },
  /** No sessions: the same headers are sent as to everyone else, and ignored. */
  async prepare() {
    return { cookie: 'sid=bare-has-no-sessions', csrfToken: 'bare-checks-no-token' };
  },
};
