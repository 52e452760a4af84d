/** The store the POP3 bench runs on: the in-memory stand-in until the SQLite backend lands. */
import type { Store } from '../src/store/types.js';
import { memoryStore } from '../test/pop3/support/memory-store.js';

export async function benchStore(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const store = memoryStore();
  return { store, cleanup: () => store.close() };
}
