/**
 * Flags of a set of messages read from the store a page at a time (MailStore.flagsPage,
 * keyset paging by UID): FETCH 1:* (FLAGS) on 100,000 messages holds one page in memory,
 * not a row object per message, and a sparse set reads only the span it names.
 */
import type { MailStore, MessageFlags } from '../../store/types.js';

export const PAGE = 4096;

/** Yields the flag rows of `uids` (ascending) that still exist, in pages, ascending. */
export async function* flagPages(mail: MailStore, mailboxId: number, uids: readonly number[]): AsyncGenerator<MessageFlags[]> {
  let i = 0;
  while (i < uids.length) {
    const end = Math.min(i + PAGE, uids.length);
    const rows = await mail.flagsPage(mailboxId, uids[i], uids[end - 1], PAGE);
    const page: MessageFlags[] = [];
    let k = i;
    for (const r of rows) {
      while (k < uids.length && uids[k] < r.uid) k++;
      if (k < uids.length && uids[k] === r.uid) page.push(r);
    }
    if (page.length > 0) yield page;
    // next page: after the last row read, or past this span when it is exhausted
    const lastRead = rows.length === PAGE ? rows[rows.length - 1].uid : uids[end - 1];
    while (i < uids.length && uids[i] <= lastRead) i++;
  }
}

/** The flags of `uids` (ascending) by UID, for a handful of messages. */
export async function flagsOf(mail: MailStore, mailboxId: number, uids: readonly number[]): Promise<Map<number, MessageFlags>> {
  const out = new Map<number, MessageFlags>();
  for await (const page of flagPages(mail, mailboxId, uids)) for (const m of page) out.set(m.uid, m);
  return out;
}
