import { ERROR_STATUS, type ErrorCode } from '@crossauth/protocol';
import type { ResponseHeaders, Verdict } from './types.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonVerdict(status: number, body: unknown, headers: ResponseHeaders = {}, cookies: string[] = []): Verdict {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, cookies, body: JSON.stringify(body) };
}

export function emptyVerdict(status: number, headers: ResponseHeaders = {}, cookies: string[] = []): Verdict {
  return { status, headers, cookies, body: undefined };
}

/** An error answer from the catalogue: `{"error":{"code","message"}}` with the code's status. */
export function errorVerdict(code: ErrorCode, message: string, headers: ResponseHeaders = {}): Verdict {
  return jsonVerdict(ERROR_STATUS[code], { error: { code, message } }, headers);
}

/** Thrown inside route code to answer with a catalogue error; caught by the pipeline. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: ResponseHeaders = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
