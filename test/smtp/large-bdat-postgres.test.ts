// A 50 MB message by BDAT on the postgres store: see support/large-message.ts.
import { largeMessageTest } from './support/large-message.js';

largeMessageTest('postgres', 'BDAT');
