import type { Auth, AppContext } from '../../auth/create-auth.js';
import { errorVerdict, type BodyReader, type RequestView, type ResponseHeaders, type Verdict } from '../../http/index.js';

/**
 * The fetch adapter (`Request → Response`) for Hono, Bun, Deno and any runtime with Web streams.
 * The client address is not part of a `Request`: pass it in (`getClientAddress`), or every client
 * counts as one for throttling.
 */

/** A `RequestView` over a Web `Request` (shared with the Hono adapter). */
export function viewOf(request: Request, url: URL, remoteAddress: string): RequestView {
  return {
    method: request.method,
    path: url.pathname,
    header: (name) => request.headers.get(name) ?? undefined,
    headerCount: (name) => (request.headers.has(name) ? 1 : 0),
    remoteAddress,
    secure: url.protocol === 'https:',
  };
}

/** Reads a Web `Request` body under a byte limit, cancelling the stream once it is exceeded. */
export function bodyReaderOf(request: Request): BodyReader {
  return async (limitBytes) => {
    if (request.body === null) return { kind: 'ok', bytes: new Uint8Array(0) };
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limitBytes) {
          drainThenCancel(reader, size);
          return { kind: 'too_large' };
        }
        chunks.push(value);
      }
    } catch {
      return { kind: 'aborted' };
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { kind: 'ok', bytes };
  };
}

/** How much of an oversized body is read and dropped after the 413, so the client can finish sending and read the answer. */
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Cancelling at once makes some servers (e.g. @hono/node-server) reset the connection while the client
 * is still uploading, and it never sees the 413. Keep reading in the background, up to a bound, then cancel.
 */
function drainThenCancel(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): void {
  let drained = alreadyRead;
  const pump = (): Promise<void> =>
    reader.read().then(({ done, value }) => {
      if (done) return;
      drained += value.byteLength;
      return drained > DRAIN_LIMIT_BYTES ? reader.cancel() : pump();
    });
  pump().catch(() => {});
}

export function toResponse(verdict: Verdict): Response {
  const headers = new Headers(verdict.headers);
  for (const cookie of verdict.cookies) headers.append('Set-Cookie', cookie);
  return new Response(verdict.body ?? null, { status: verdict.status, headers });
}

export type FetchAppHandler = (request: Request, context: AppContext, readBody: BodyReader) => Response | Promise<Response>;

export interface FetchHandlerOptions {
  /** The application behind crossauth; default answers 404. */
  app?: FetchAppHandler;
  /** The caller's address for throttling, e.g. from the runtime's connection info. */
  getClientAddress?: (request: Request) => string;
}

/** A `(Request) => Promise<Response>` handler: crossauth's answers, else the application's with crossauth's headers added. */
export function createFetchHandler(auth: Auth, options: FetchHandlerOptions = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const view = viewOf(request, url, options.getClientAddress?.(request) ?? '');
    const readBody = bodyReaderOf(request);
    let headers: ResponseHeaders = {};
    try {
      const result = await auth.handle(view, readBody);
      if (result.kind === 'respond') return toResponse(result.verdict);
      headers = result.context.headers;
      if (options.app === undefined) return toResponse(errorVerdict('not_found', `Nothing at ${url.pathname}.`, headers));
      const response = await options.app(request, result.context, readBody);
      for (const name of Object.keys(headers)) {
        if (name === 'Vary' && response.headers.has('Vary')) response.headers.append('Vary', headers[name]!);
        else response.headers.set(name, headers[name]!);
      }
      return response;
    } catch (error) {
      return toResponse(auth.errorAnswer(error, headers));
    }
  };
}
