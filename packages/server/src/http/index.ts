export type * from './types.js';
export { jsonVerdict, emptyVerdict, errorVerdict, HttpError } from './respond.js';
export { readJsonObject, isJsonContentType, stringField, booleanField } from './body.js';
