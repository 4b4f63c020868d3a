// crossauth through the node adapter on SQLite (better-sqlite3, WAL), as `crossauth serve --store sqlite:…`.
import { join } from 'node:path';
import { crossauthLoginRequest, prepareCrossauth, startCrossauth } from '../lib/crossauth.mjs';

export default {
  label: 'crossauth node:http + SQLite',
  kind: 'crossauth',
  cases: ['preflight', 'me', 'echo', 'notes', 'login'],
  async start({ origin, dataDir }) {
    const { openDatabase, sqliteStore } = await import('@crossauth/server/stores/sqlite');
    const { sqliteNotes } = await import('../../packages/cli/dist/serve/notes.js');
    // Opened the way `crossauth serve` opens it: WAL, synchronous=NORMAL, a 64 MiB page cache.
    const db = openDatabase(join(dataDir, 'crossauth.db'));
    return startCrossauth({ origin, store: sqliteStore({ database: db }), notes: sqliteNotes(db) });
  },
  prepare: prepareCrossauth,
  loginRequest: crossauthLoginRequest,
};
