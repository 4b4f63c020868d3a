export { Sessions, type SessionPolicy, type NewSession } from './sessions.js';
export { SessionCache, type SessionCacheOptions, type InvalidationChannel, type InvalidationEvent } from './cache.js';
