/** `posthorn mail` over a live IMAP session (source.ts), all by UID. */
import { ClientError } from './errors.js';
import type { ImapClient } from './imap.js';
import { expunge, fetch, listFolders, move, search, searchText, select, store, uidSet } from './imap-mailbox.js';
import { summaryFromEnvelope, type ListOptions, type MailSource, type Summary } from './source.js';

export class ImapSource implements MailSource {
  private selected: string | null = null;

  constructor(readonly c: ImapClient) {}

  get label(): string {
    return `IMAP ${this.c.where}`;
  }

  private async open(folder: string): Promise<void> {
    if (this.selected === folder) return;
    await select(this.c, folder);
    this.selected = folder;
  }

  async list(folder: string, o: ListOptions): Promise<Summary[]> {
    await this.open(folder);
    let set = '1:*';
    if (o.unseen || o.search) {
      const criteria = [...(o.unseen ? ['UNSEEN'] : []), ...(o.search ? searchText(o.search) : [])];
      const uids = await search(this.c, criteria);
      if (uids.length === 0) return [];
      set = uidSet(uids);
    }
    const rows = await fetch(this.c, set, 'FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE');
    return rows
      .sort((a, b) => a.uid - b.uid)
      .map((r) => summaryFromEnvelope(r.uid, r.envelope, { size: r.size ?? 0, flags: r.flags ?? [], attachment: r.attachment ?? false, internalDate: r.internalDate }));
  }

  async raw(folder: string, n: number, markSeen: boolean): Promise<Buffer> {
    await this.open(folder);
    // RFC 3501 §6.4.5: BODY[] sets \Seen, BODY.PEEK[] does not
    const rows = await fetch(this.c, String(n), markSeen ? 'BODY[]' : 'BODY.PEEK[]');
    const row = rows.find((r) => r.uid === n);
    if (!row?.body) throw new ClientError('not-found', `no message ${n} in ${folder} (numbers are UIDs, see posthorn mail list)`);
    return row.body;
  }

  async flag(folder: string, ns: number[], add: string[], remove: string[]): Promise<void> {
    await this.open(folder);
    await this.exist(ns, folder);
    await store(this.c, ns, '+', add);
    await store(this.c, ns, '-', remove);
  }

  async delete(folder: string, ns: number[]): Promise<void> {
    await this.open(folder);
    await this.exist(ns, folder);
    await expunge(this.c, ns);
  }

  async move(folder: string, ns: number[], target: string): Promise<void> {
    await this.open(folder);
    await this.exist(ns, folder);
    await move(this.c, ns, target);
  }

  async folders(): Promise<string[]> {
    return (await listFolders(this.c)).filter((f) => !f.flags.some((x) => x.toLowerCase() === '\\noselect')).map((f) => f.name);
  }

  async close(): Promise<void> {
    await this.c.logout();
  }

  private async exist(ns: number[], folder: string): Promise<void> {
    const found = new Set(await search(this.c, ['UID', uidSet(ns)]));
    const missing = ns.filter((n) => !found.has(n));
    if (missing.length) throw new ClientError('not-found', `no message ${missing.join(', ')} in ${folder}`);
  }
}
