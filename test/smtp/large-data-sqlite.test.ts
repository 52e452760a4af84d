// A 50 MB message by DATA on the sqlite store: see support/large-message.ts.
import { largeMessageTest } from './support/large-message.js';

largeMessageTest('sqlite', 'DATA');
