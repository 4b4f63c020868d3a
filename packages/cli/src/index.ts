export { main } from './main.js';
export { parseServeArgs, UsageError, type ServeConfig } from './serve/config.js';
export { startReferenceServer, type ReferenceServer, type ReferenceServerOverrides } from './serve/server.js';
