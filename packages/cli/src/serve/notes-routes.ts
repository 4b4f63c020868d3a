import type { IncomingMessage, ServerResponse } from 'node:http';
import { can, HttpError, jsonVerdict, readJsonObject, stringField, type AppContext, type BodyReader } from '@crossauth/server';
import { nodeRequestView, writeVerdict } from '@crossauth/server/node';
import type { NotesRepository } from './notes.js';

const MAX_NOTE_LENGTH = 1000;

/** `/api/notes`: a session (plus CSRF, checked by the core) or a bearer token with `notes:read` / `notes:write`. */
export function notesApp(notes: NotesRepository) {
  return async (req: IncomingMessage, res: ServerResponse, context: AppContext, readBody: BodyReader): Promise<void> => {
    const view = nodeRequestView(req);
    if (view.path !== '/api/notes') throw new HttpError('not_found', `Nothing at ${view.path}.`);
    const principal = context.principal;
    if (principal === null) throw new HttpError('unauthenticated', 'Sign in, or send a bearer token.');
    if (view.method === 'GET' || view.method === 'HEAD') {
      if (!can(principal, 'notes:read')) throw new HttpError('forbidden', 'This token lacks the notes:read ability.');
      return writeVerdict(req, res, jsonVerdict(200, { notes: await notes.list(principal.userId) }, context.headers));
    }
    if (view.method === 'POST') {
      if (!can(principal, 'notes:write')) throw new HttpError('forbidden', 'This token lacks the notes:write ability.');
      const text = stringField(await readJsonObject(view, readBody), 'text').trim();
      if (text.length === 0 || text.length > MAX_NOTE_LENGTH) throw new HttpError('bad_request', `"text" must be 1 to ${MAX_NOTE_LENGTH} characters.`);
      return writeVerdict(req, res, jsonVerdict(201, { note: await notes.add(principal.userId, text, context.now) }, context.headers));
    }
    throw new HttpError('method_not_allowed', `/api/notes does not answer ${view.method}.`, { Allow: 'GET, HEAD, POST' });
  };
}
