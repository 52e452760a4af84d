// A 50 MB message by DATA on the sqlite store: see support/large-message.ts.
import { largeMessageTest } from './support/large-message.js';

// TODO(issue 3): in 2 of 4 CI runs on 2026-12-02 the server process exited during this test
// (the RSS sampler found it gone); not reproduced alone. Reported, not passed, until found.
largeMessageTest('sqlite', 'DATA', 'the server exited mid-DATA in 2 of 4 CI runs; cause not found yet');
