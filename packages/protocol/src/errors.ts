/**
 * The one catalogue of error codes that crossauth puts on the wire, with the HTTP status each one
 * travels with. An error body is always `{"error": {"code": "...", "message": "..."}}`.
 */
export const ERROR_STATUS = {
  origin_not_allowed: 403,
  csrf_missing: 403,
  csrf_invalid: 403,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  rate_limited: 429,
  bad_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  email_taken: 409,
  weak_password: 422,
  not_found: 404,
  method_not_allowed: 405,
  store_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}

/** The codes after which a client should fetch a fresh CSRF token and retry once. */
export const CSRF_ERROR_CODES: readonly ErrorCode[] = ['csrf_missing', 'csrf_invalid'];
