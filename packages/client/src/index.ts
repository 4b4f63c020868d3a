export { createClient, type CrossauthClient, type Credentials, type Prepared } from './core/client.js';
export { CrossauthError, errorCode } from './core/errors.js';
export type { ClientEvents, ModeReason } from './core/events.js';
export type { ClientOptions, Mode, ModeOption } from './core/options.js';
export { localStorageStorage, memoryStorage, type StorageLike, type TokenPair, type TokenStorage } from './token/storage.js';
export type { PublicUser } from '@crossauth/protocol';
