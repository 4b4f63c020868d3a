import type { ErrorCode } from '@crossauth/protocol';

/** A non-2xx answer from the API, with the catalogue code from its `{"error": {...}}` body. */
export class CrossauthError extends Error {
  constructor(
    /** HTTP status of the answer. */
    readonly status: number,
    /** Catalogue code, or `undefined` when the body was not a crossauth error (a proxy's 502 page, say). */
    readonly code: ErrorCode | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'CrossauthError';
  }
}

/** The body as JSON, or `undefined` when it is empty or not JSON. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

/**
 * The code in an error body, whatever library parsed it. Taken as the server sent it, not checked against
 * the catalogue: that table would cost the bundle more than the check is worth.
 */
export function errorCode(body: unknown): ErrorCode | undefined {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  return typeof code === 'string' ? (code as ErrorCode) : undefined;
}

export async function toError(response: Response): Promise<CrossauthError> {
  const body = await readJson(response);
  const message = (body as { error?: { message?: string } } | undefined)?.error?.message;
  return new CrossauthError(response.status, errorCode(body), message ?? `HTTP ${response.status}`);
}
