/**
 * The adapter-neutral view of a request and the verdict the core hands back. Adapters build the view
 * cheaply (no header copying, no Web `Request` on node:http) and write the verdict as it is.
 */

export interface RequestView {
  /** The method exactly as sent (upper-case for every browser). */
  readonly method: string;
  /** The path without the query string, exactly as sent (not decoded, not normalised). */
  readonly path: string;
  /**
   * One request header by lower-case name. Repeated headers come joined the way node:http joins them
   * (`, ` for most, `; ` for `cookie`); `undefined` when absent.
   */
  header(name: string): string | undefined;
  /** How many times a header appeared; adapters that cannot tell answer 1 for a present header. */
  headerCount(name: string): number;
  /** The peer's address as the socket reports it. */
  readonly remoteAddress: string;
  /** Whether this hop is TLS. */
  readonly secure: boolean;
}

/** Response headers by canonical name. `Set-Cookie` lines travel separately in `Verdict.cookies`. */
export type ResponseHeaders = Record<string, string>;

/** What the core decided: adapters write it verbatim. */
export interface Verdict {
  status: number;
  headers: ResponseHeaders;
  /** Complete `Set-Cookie` header values. */
  cookies: string[];
  /** Serialized JSON, or `undefined` for an empty body. */
  body: string | undefined;
}

/** A request body read by the adapter under the size limit. */
export type BodyResult = { kind: 'ok'; bytes: Uint8Array } | { kind: 'too_large' } | { kind: 'aborted' };

/** Reads the request body, stopping as soon as it exceeds `limitBytes`. Called at most once. */
export type BodyReader = (limitBytes: number) => Promise<BodyResult>;
