import { describeStoreConformance } from '../../testing/index.js';
import { memoryStore } from './index.js';

describeStoreConformance('memory', () => memoryStore());
