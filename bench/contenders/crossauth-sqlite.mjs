// crossauth through the node adapter on SQLite (better-sqlite3, WAL), as `crossauth serve --store sqlite:…`.
import { join } from 'node:path';
import { crossauthLoginRequest, prepareCrossauth, startCrossauth } from '../lib/crossauth.mjs';

export default {
  label: 'crossauth node:http + SQLite',
  kind: 'crossauth',
  cases: ['preflight', 'me', 'echo', 'notes', 'login'],
  async start({ origin, dataDir }) {
    const { default: Database } = await import('better-sqlite3');
    const { sqliteStore } = await import('@crossauth/server/stores/sqlite');
    const { sqliteNotes } = await import('../../packages/cli/dist/serve/notes.js');
    const db = new Database(join(dataDir, 'crossauth.db'));
    db.pragma('journal_mode = WAL');
    return startCrossauth({ origin, store: sqliteStore({ database: db }), notes: sqliteNotes(db) });
  },
  prepare: prepareCrossauth,
  loginRequest: crossauthLoginRequest,
};
