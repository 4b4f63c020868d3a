import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

/** The demo resource of the reference server: short text notes per user. */
export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

export interface NotesRepository {
  list(userId: string): Promise<Note[]>;
  add(userId: string, text: string, now: number): Promise<Note>;
}

export function memoryNotes(): NotesRepository {
  const byUser = new Map<string, Note[]>();
  return {
    async list(userId) {
      return (byUser.get(userId) ?? []).map((note) => ({ ...note }));
    },
    async add(userId, text, now) {
      const note = { id: randomUUID(), text, createdAt: new Date(now).toISOString() };
      const notes = byUser.get(userId) ?? [];
      notes.push(note);
      byUser.set(userId, notes);
      return { ...note };
    },
  };
}

export function sqliteNotes(db: Database.Database): NotesRepository {
  db.exec(`CREATE TABLE IF NOT EXISTS demo_notes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS demo_notes_user ON demo_notes (user_id, created_at);`);
  const select = db.prepare<[string], { id: string; text: string; created_at: number }>(
    'SELECT id, text, created_at FROM demo_notes WHERE user_id = ? ORDER BY created_at, rowid',
  );
  const insert = db.prepare('INSERT INTO demo_notes (id, user_id, text, created_at) VALUES (?, ?, ?, ?)');
  return {
    async list(userId) {
      return select.all(userId).map((row) => ({ id: row.id, text: row.text, createdAt: new Date(row.created_at).toISOString() }));
    },
    async add(userId, text, now) {
      const id = randomUUID();
      insert.run(id, userId, text, now);
      return { id, text, createdAt: new Date(now).toISOString() };
    },
  };
}
