/**
 * `posthorn mail` over POP3 (source.ts): list, read, save and delete as POP3 allows
 * (RFC 1939: one mailbox, no flags, no folders). Deletions take effect at QUIT (`close`).
 */
import { ClientError } from './errors.js';
import type { Pop3Client } from './pop3.js';
import { parseMessage } from '../mime/parse.js';
import type { ListOptions, MailSource, Summary } from './source.js';

export class Pop3Source implements MailSource {
  constructor(readonly c: Pop3Client) {}

  get label(): string {
    return `POP3 ${this.c.where}`;
  }

  private inbox(folder: string): void {
    if (folder.toUpperCase() !== 'INBOX') throw new ClientError('usage', 'POP3 has only one mailbox (INBOX); use IMAP for folders');
  }

  async list(folder: string, o: ListOptions): Promise<Summary[]> {
    this.inbox(folder);
    if (o.unseen) throw new ClientError('usage', 'POP3 keeps no \\Seen flag; --unseen needs IMAP (or mail sync --keep, which fetches only new mail)');
    const sizes = await this.c.list();
    const out: Summary[] = [];
    for (const [n, size] of sizes) {
      const head = await this.c.top(n, 0); // RFC 1939 §7: TOP msg 0 = the header only
      const p = parseMessage(head);
      const s: Summary = { n, date: p.sentDate, from: p.from, subject: p.subject, size, flags: [], attachment: p.body.type === 'multipart' && p.body.subtype === 'mixed' };
      if (o.search && !`${s.subject}\n${s.from}`.toLowerCase().includes(o.search.toLowerCase())) continue;
      out.push(s);
    }
    return out;
  }

  async raw(folder: string, n: number): Promise<Buffer> {
    this.inbox(folder);
    return this.c.retr(n);
  }

  async flag(): Promise<void> {
    throw new ClientError('usage', 'POP3 has no flags; use IMAP');
  }

  async delete(folder: string, ns: number[]): Promise<void> {
    this.inbox(folder);
    for (const n of ns) await this.c.dele(n);
  }

  async move(): Promise<void> {
    throw new ClientError('usage', 'POP3 has no folders; use IMAP');
  }

  async folders(): Promise<string[]> {
    return ['INBOX'];
  }

  async close(): Promise<void> {
    await this.c.quit();
  }
}
