import { MAX_BODY_BYTES } from '@crossauth/protocol';
import { HttpError } from './respond.js';
import type { BodyReader, RequestView } from './types.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether a `Content-Type` value is JSON: `application/json`, parameters allowed, any case. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  return essence === 'application/json';
}

function declaredLength(view: RequestView): number | undefined {
  const header = view.header('content-length');
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * Reads a JSON object body under the contract's rules: 413 past 16 KiB (before reading when the length
 * is declared, else as soon as the stream passes it), 415 for anything but `application/json`, 400 for
 * invalid UTF-8, invalid JSON or a non-object. With `optional`, an empty body reads as `{}` whatever its
 * Content-Type (routes that take no body accept an empty one).
 */
export async function readJsonObject(view: RequestView, readBody: BodyReader, optional = false): Promise<Record<string, unknown>> {
  const length = declaredLength(view);
  if (length !== undefined && length > MAX_BODY_BYTES) throw new HttpError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  const json = isJsonContentType(view.header('content-type'));
  if (!json && !optional) throw new HttpError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  if (optional && length === 0) return {};
  const body = await readBody(MAX_BODY_BYTES);
  if (body.kind === 'too_large') throw new HttpError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  if (body.kind === 'aborted') throw new HttpError('bad_request', 'The request body was cut short.');
  if (body.bytes.length === 0) {
    if (optional) return {};
    throw new HttpError('bad_request', 'The request body is empty; send a JSON object.');
  }
  if (!json) throw new HttpError('unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  let text: string;
  try {
    text = decoder.decode(body.bytes);
  } catch {
    throw new HttpError('bad_request', 'The request body is not valid UTF-8.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError('bad_request', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError('bad_request', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** An own string field of a parsed body, or `HttpError` 400 naming the field. */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (typeof value !== 'string') throw new HttpError('bad_request', `"${name}" must be a string.`);
  return value;
}

/** An optional own boolean field; `false` when absent. */
export function booleanField(body: Record<string, unknown>, name: string): boolean {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new HttpError('bad_request', `"${name}" must be true or false.`);
  return value;
}
