export type * from './types.js';
export { guardStore, StoreUnavailableError } from './guard.js';
