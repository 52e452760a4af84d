// A 50 MB message by BDAT on the sqlite store: see support/large-message.ts.
import { largeMessageTest } from './support/large-message.js';

largeMessageTest('sqlite', 'BDAT');
