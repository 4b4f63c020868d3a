export { Sessions, type SessionPolicy, type NewSession } from './sessions.js';
