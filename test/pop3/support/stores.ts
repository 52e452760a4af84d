/**
 * The stores the POP3 tests run on. Until the real backends are on main this is the
 * in-memory stand-in; each entry opens a fresh, empty store.
 */
import type { Store } from '../../../src/store/types.js';
import { memoryStore } from './memory-store.js';

export interface StoreKind {
  name: string;
  open(): Promise<Store>;
}

export async function storeKinds(): Promise<StoreKind[]> {
  return [{ name: 'memory', open: async () => memoryStore() }];
}
