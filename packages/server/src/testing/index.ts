/**
 * Test helpers for people who write a crossauth store. Imports vitest, so it belongs in test code
 * only; `vitest` must be installed by whoever imports this entry point.
 */
export { describeStoreConformance, type StoreConformanceOptions } from './store-conformance.js';
