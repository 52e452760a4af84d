/**
 * The one conformance suite every store backend runs (STYLE.md habit 7). A backend test
 * file calls `conformance(name, backing)`; `backing()` prepares an empty database and
 * returns how to open stores on it (several at once: locks, events and queue claims are
 * checked across two instances) and how to clean up.
 */
import { after, before, describe } from 'node:test';
import type { Store } from '../../src/store/types.js';
import { blobCases } from './cases/blobs.js';
import { directoryCases } from './cases/directory.js';
import { mailboxCases } from './cases/mailboxes.js';
import { messageCases } from './cases/messages.js';
import { sharedCases } from './cases/shared.js';
import { recentCases } from './cases/recent.js';
import { summaryCases } from './cases/summaries.js';

export interface Backing {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** What each group of cases gets: the suite's main store and a second instance on the
 *  same database (as another node or process would have). */
export interface Ctx {
  store(): Store;
  another(): Promise<Store>;
}

/** `skip` (a reason) skips every case, e.g. when PostgreSQL is not reachable. */
export function conformance(name: string, backing: () => Promise<Backing>, opts: { skip?: string | false } = {}): void {
  describe(`store conformance: ${name}`, { skip: opts.skip }, () => {
    let b: Backing | null = null;
    let main: Store | null = null;
    const extra: Store[] = [];
    before(async () => {
      b = await backing();
      if (b) main = await b.open();
    });
    after(async () => {
      for (const s of extra) await s.close();
      await main?.close();
      await b?.cleanup();
    });
    const ctx: Ctx = {
      store: () => {
        if (!main) throw new Error('store not open');
        return main;
      },
      another: async () => {
        // one second instance serves every case: keeps PostgreSQL connections few
        if (!b) throw new Error('no backing');
        if (extra.length === 0) extra.push(await b.open());
        return extra[0];
      },
    };
    directoryCases(ctx);
    mailboxCases(ctx);
    messageCases(ctx);
    summaryCases(ctx);
    recentCases(ctx);
    blobCases(ctx);
    sharedCases(ctx);
  });
}
