import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Auth, AppContext } from '../../auth/create-auth.js';
import { errorVerdict, type BodyReader, type BodyResult, type RequestView, type ResponseHeaders, type Verdict } from '../../http/index.js';

/**
 * The node:http adapter: a cheap `RequestView` over `IncomingMessage` (no header copying, no Web
 * `Request`), and a writer for the core's verdict.
 */

class NodeRequestView implements RequestView {
  readonly path: string;
  constructor(private readonly req: IncomingMessage) {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    this.path = query === -1 ? url : url.slice(0, query);
  }
  get method(): string {
    return this.req.method ?? 'GET';
  }
  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  headerCount(name: string): number {
    if (this.req.headers[name] === undefined) return 0;
    // A scan of the raw list: `headersDistinct` would build an object of every header on first use.
    const raw = this.req.rawHeaders;
    let count = 0;
    for (let i = 0; i < raw.length; i += 2) {
      const header = raw[i]!;
      if (header.length === name.length && header.toLowerCase() === name) count++;
    }
    return count;
  }
  get remoteAddress(): string {
    return this.req.socket.remoteAddress ?? '';
  }
  get secure(): boolean {
    return (this.req.socket as { encrypted?: boolean }).encrypted === true;
  }
}

export function nodeRequestView(req: IncomingMessage): RequestView {
  return new NodeRequestView(req);
}

/** Reads the body with a hard byte limit; stops listening (and drops the rest) once it is exceeded. */
export function nodeBodyReader(req: IncomingMessage): BodyReader {
  return (limitBytes) =>
    new Promise<BodyResult>((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (result: BodyResult) => {
        req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
        resolve(result);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limitBytes) {
          req.pause();
          finish({ kind: 'too_large' });
          return;
        }
        chunks.push(chunk);
      };
      const onEnd = () => finish({ kind: 'ok', bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
      const onError = () => finish({ kind: 'aborted' });
      req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
    });
}

/** Writes a verdict. An unread request body is drained, or the connection closed when it is too large. */
export function writeVerdict(req: IncomingMessage, res: ServerResponse, verdict: Verdict): void {
  const headers: Record<string, string | string[]> = verdict.headers;
  if (verdict.cookies.length > 0) headers['Set-Cookie'] = verdict.cookies;
  if (!req.complete) {
    // A refused request may still be sending its body: drain small ones, hang up on oversized ones.
    if (verdict.status === 413) headers.Connection = 'close';
    req.resume();
  }
  // One writeHead with every header: cheaper than a setHeader per header. Headers an application set
  // before (Express's, say) are kept: writeHead merges them.
  res.writeHead(verdict.status, headers);
  res.end(verdict.body);
}

/** An application handler behind crossauth: runs only for requests crossauth let through. */
export type NodeAppHandler = (req: IncomingMessage, res: ServerResponse, context: AppContext, readBody: BodyReader) => void | Promise<void>;

/**
 * A node:http request listener: crossauth answers what is its own (preflights, refusals, auth routes)
 * and hands everything else, with the principal and the headers to add, to `app` (default: 404).
 */
export function createNodeHandler(auth: Auth, app?: NodeAppHandler): RequestListener {
  return (req, res) => {
    void serve(auth, app, req, res);
  };
}

const INTERNAL_ERROR: Verdict = {
  status: 500,
  headers: { 'Content-Type': 'application/json; charset=utf-8' },
  cookies: [],
  body: '{"error":{"code":"internal","message":"Internal error."}}',
};

async function serve(auth: Auth, app: NodeAppHandler | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const view = new NodeRequestView(req);
  const readBody = nodeBodyReader(req);
  let headers: ResponseHeaders = {};
  try {
    const result = await auth.handle(view, readBody);
    if (result.kind === 'respond') return writeVerdict(req, res, result.verdict);
    headers = result.context.headers;
    if (app === undefined) return writeVerdict(req, res, errorVerdict('not_found', `Nothing at ${view.path}.`, headers));
    await app(req, res, result.context, readBody);
  } catch (error) {
    if (res.headersSent) return void res.destroy();
    try {
      writeVerdict(req, res, auth.errorAnswer(error, headers));
    } catch {
      console.error('crossauth: unexpected error', error);
      writeVerdict(req, res, INTERNAL_ERROR);
    }
  }
}
