import type { AuthCore } from '../auth/core.js';
import type { RequestState } from '../auth/request-state.js';
import type { BodyReader, Verdict } from '../http/index.js';

export interface RouteContext {
  core: AuthCore;
  state: RequestState;
  readBody: BodyReader;
}

export type RouteHandler = (context: RouteContext) => Promise<Verdict>;
