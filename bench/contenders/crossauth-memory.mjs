// crossauth through the node adapter on the memory store: the pipeline's cost without a database.
import { crossauthLoginRequest, prepareCrossauth, startCrossauth } from '../lib/crossauth.mjs';

export default {
  label: 'crossauth node:http + memory store',
  kind: 'crossauth',
  cases: ['preflight', 'me', 'echo'],
  async start({ origin }) {
    const { memoryStore } = await import('@crossauth/server/stores/memory');
    const { memoryNotes } = await import('../../packages/cli/dist/serve/notes.js');
    return startCrossauth({ origin, store: memoryStore(), notes: memoryNotes() });
  },
  prepare: prepareCrossauth,
  loginRequest: crossauthLoginRequest,
};
