/**
 * Test-only stand-in for mail/deliver's deliver() on a real store, until mail/deliver is
 * on main: one blob, one append of every target's INBOX in one transaction, then events.
 */
import type { Store } from '../../../src/store/types.js';
import type { ChangeBus } from '../../../src/mail/changes.js';

export async function storeDeliver(
  ctx: { store: Store; bus: ChangeBus },
  raw: Buffer,
  targets: Array<{ accountId: number; mailbox?: string }>,
  opts: { internalDate?: number } = {},
): Promise<Array<{ accountId: number; mailboxId: number; uid: number }>> {
  const blobId = await ctx.store.blobs.put(raw);
  const boxes: Array<{ accountId: number; mailboxId: number }> = [];
  for (const t of targets) {
    const box = await ctx.store.mail.getMailbox(t.accountId, 'INBOX');
    if (!box) throw new Error(`account ${t.accountId} has no INBOX`);
    if (!boxes.some((b) => b.mailboxId === box.id)) boxes.push({ accountId: t.accountId, mailboxId: box.id });
  }
  const message = { blobId, size: raw.length, internalDate: opts.internalDate ?? Date.now(), flags: [], metadata: '{}', searchText: '' };
  const placed = await ctx.store.mail.append(boxes.map((b) => ({ mailboxId: b.mailboxId, message })));
  const out = placed.map((p, i) => ({ accountId: boxes[i].accountId, mailboxId: p.mailboxId, uid: p.uid }));
  for (const d of out) await ctx.bus.publish({ type: 'append', accountId: d.accountId, mailboxId: d.mailboxId, uid: d.uid, modseq: placed[0].modseq });
  return out;
}
