/**
 * Collects blobs no message and no queue entry refers to any more (a message expunged
 * everywhere, a delivered queue entry). Runs once shortly after start and then every
 * `intervalMs`; the grace period keeps blobs written for deliveries still in flight.
 */
import type { Logger } from '../lib/log.js';
import type { Store } from '../store/types.js';

export interface BlobCollector {
  readonly name: string;
  close(): Promise<void>;
}

export function startBlobCollector(store: Store, log: Logger, intervalMs = 60 * 60_000, graceMs = 60 * 60_000, firstRunMs = 60_000): BlobCollector {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= store.blobs
      .collectGarbage(graceMs)
      .then((removed) => { if (removed > 0) log.info({ removed }, 'unreferenced blobs collected'); })
      .catch((err: unknown) => log.warn({ err }, 'blob collection failed'))
      .finally(() => { running = null; });
  };
  const first = setTimeout(run, firstRunMs);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return {
    name: 'blob-gc',
    async close() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
