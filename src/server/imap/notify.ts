/**
 * NOTIFY (RFC 5465) for one session: which events of which mailboxes the client asked for,
 * and their delivery while no command is in progress (§3.1) through Ctx.between, which
 * holds commands back while notifications are written, so no response interleaves with a
 * command's own. Events come from the change bus (mail/changes.ts, every mailbox of the
 * account); like every bus consumer this re-reads state rather than trusting the event.
 *
 *  - The selected mailbox (SELECTED / SELECTED-DELAYED, §6.1): its pending changes are sent
 *    as they would be at a NOOP (updates.ts), expunges only for SELECTED; MessageNew's fetch
 *    attributes are answered with an unsolicited FETCH after EXISTS (§5.2), never setting \Seen.
 *  - Other mailboxes: STATUS with the items §5.1–5.3 name (§3.1 for the initial STATUS).
 *  - MailboxName / SubscriptionChange (§5.4, §5.5): a LIST response per affected name.
 * Our own MailboxName/SubscriptionChange events are not echoed (§5 SHOULD): an event that
 * arrives while this session runs a command is taken as the command's own.
 */
import type { MailboxEvent } from '../../store/types.js';
import type { StatusItem } from '../../protocol/imap/parse/args.js';
import type { NotifyGroup } from '../../protocol/imap/parse/notify.js';
import type { FetchItem } from '../../protocol/imap/parse/fetch.js';
import { Out } from '../../protocol/imap/writer.js';
import { needsMetadata, renderFetch } from './fetch/render.js';
import { fetchRows } from './fetch/rows.js';
import { account, statusResponse } from './mailboxes.js';
import { SelectedMailbox, SYSTEM_FLAGS } from './selected.js';
import { sendUpdates } from './updates.js';
import type { Ctx, NotifyRegistration } from './types.js';

const EVENT_OF: Record<'append' | 'expunge' | 'flags', string> = { append: 'MessageNew', expunge: 'MessageExpunge', flags: 'FlagChange' };

export class NotifyState implements NotifyRegistration {
  private unwatch: () => void = () => {};
  private readonly changed = new Map<number, Set<string>>();
  private readonly lists: Out[] = [];
  private selectedPending = false;
  private scheduled = false;

  constructor(private readonly ctx: Ctx, readonly groups: NotifyGroup[]) {}

  start(): void {
    this.unwatch = this.ctx.env.bus.watchAccount(account(this.ctx).id, (e) => this.onEvent(e));
  }

  stop(): void {
    this.unwatch();
  }

  private get selected(): NotifyGroup | null {
    return this.groups.find((g) => g.filter.kind === 'selected' || g.filter.kind === 'selected-delayed') ?? null;
  }

  /** The events asked for a mailbox other than the selected one (the union of its groups). */
  eventsFor(name: string, subscribed: boolean): Set<string> {
    const out = new Set<string>();
    for (const g of this.groups) if (matches(g, name, subscribed)) for (const e of g.events) out.add(e);
    return out;
  }

  /** RFC 5465 §3.1: the STATUS sent before NOTIFY SET STATUS's OK for every watched mailbox. */
  async initialStatus(): Promise<void> {
    for (const box of await this.ctx.env.store.mail.listMailboxes(account(this.ctx).id)) {
      if (this.isSelected(box.id)) continue;
      const items = statusItems(this.eventsFor(box.name, box.subscribed), false, true);
      if (items.length > 0) this.ctx.untagged(await statusResponse(this.ctx, this.ctx.env.store.mail, box, items));
    }
  }

  private isSelected(mailboxId: number): boolean {
    return this.ctx.state.kind === 'selected' && this.ctx.state.mailbox.id === mailboxId;
  }

  private onEvent(e: MailboxEvent): void {
    if (e.type === 'mailbox') {
      if (!this.ctx.busy) this.mailboxEvent(e);
    } else if (this.isSelected(e.mailboxId)) {
      if (!this.selected?.events.includes(EVENT_OF[e.type])) return;
      this.selectedPending = true;
    } else {
      let set = this.changed.get(e.mailboxId);
      if (!set) this.changed.set(e.mailboxId, (set = new Set()));
      set.add(EVENT_OF[e.type]);
    }
    this.schedule();
  }

  private mailboxEvent(e: Extract<MailboxEvent, { type: 'mailbox' }>): void {
    if (!e.change || e.name === undefined) return;
    const wanted = (ev: string, name: string) => this.eventsFor(name, e.change === 'subscribed').has(ev);
    const opts = { utf8: this.ctx.utf8 };
    const list = (flags: string, name: string) => new Out().raw(`LIST (${flags}) "/" `).mailbox(name, opts);
    switch (e.change) {
      case 'created': if (wanted('MailboxName', e.name)) this.lists.push(list('', e.name)); break;
      case 'deleted': if (wanted('MailboxName', e.name)) this.lists.push(list('\\NonExistent', e.name)); break;
      case 'renamed':
        if (wanted('MailboxName', e.name) || (e.oldName !== undefined && wanted('MailboxName', e.oldName))) {
          this.lists.push(list('', e.name).raw(' ("OLDNAME" (').mailbox(e.oldName ?? '', opts).raw('))'));
        }
        break;
      case 'subscribed': case 'unsubscribed':
        if (wanted('SubscriptionChange', e.name)) this.lists.push(list(e.change === 'subscribed' ? '\\Subscribed' : '', e.name));
        break;
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.ctx.between(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    for (const l of this.lists.splice(0)) this.ctx.untagged(l);
    const changed = [...this.changed];
    this.changed.clear();
    const mail = this.ctx.env.store.mail;
    for (const [id, events] of changed) {
      const box = await mail.getMailboxById(id);
      if (!box || this.isSelected(id)) continue;
      const wanted = this.eventsFor(box.name, box.subscribed);
      const asked = new Set([...events].filter((e) => wanted.has(e)));
      const condstore = this.ctx.enabled.has('CONDSTORE') || this.ctx.enabled.has('QRESYNC');
      const items = statusItems(asked, condstore, false);
      if (items.length > 0) this.ctx.untagged(await statusResponse(this.ctx, mail, box, items));
    }
    if (this.selectedPending) {
      this.selectedPending = false;
      await this.pushSelected();
    }
  }

  /** RFC 5465 §5.2, §6.1: the selected mailbox's changes now; FETCH of new messages' attributes. */
  private async pushSelected(): Promise<void> {
    const g = this.selected;
    if (!g || this.ctx.state.kind !== 'selected') return;
    const sel = this.ctx.state.mailbox;
    const known = new Set(sel.uids);
    sel.dirty = true;
    await sendUpdates(this.ctx, g.filter.kind === 'selected');
    if (g.fetch.length === 0 || this.ctx.state.kind !== 'selected') return;
    const fresh = sel.uids.filter((u) => !known.has(u));
    if (fresh.length > 0) await this.fetchNew(sel, fresh, g.fetch);
  }

  private async fetchNew(sel: SelectedMailbox, uids: number[], items: FetchItem[]): Promise<void> {
    const peek = items.map((i) => (i.kind === 'section' ? { ...i, peek: true } : i));
    const rev2 = this.ctx.enabled.has('IMAP4REV2');
    for (const row of await fetchRows(this.ctx.env.store.mail, sel.id, SelectedMailbox.ranges(uids), peek.some(needsMetadata))) {
      const seq = sel.seqOf(row.uid);
      if (seq === 0) continue;
      const flags = { uid: row.uid, modseq: row.modseq, flags: row.flags };
      for (const line of sel.announceKeywords(flags.flags, SYSTEM_FLAGS)) this.ctx.untagged(line);
      this.ctx.untagged(await renderFetch(this.ctx.env.store.blobs, {
        seq, flags, row, items: peek, withUid: false, withModseq: false, flagsChanged: false, shownFlags: sel.shown(flags, rev2),
      }, { utf8: this.ctx.utf8 }));
    }
  }
}

/** RFC 5465 §6.2–6.6 for a mailbox other than the selected one. */
function matches(g: NotifyGroup, name: string, subscribed: boolean): boolean {
  const f = g.filter;
  const same = (a: string, b: string) => a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
  switch (f.kind) {
    case 'selected': case 'selected-delayed': return false;
    case 'personal': return true;
    // §6.3: the mailboxes an MDA delivers to — INBOX alone here.
    case 'inboxes': return name.toUpperCase() === 'INBOX';
    case 'subscribed': return subscribed;
    case 'mailboxes': return f.names.some((n) => same(n, name));
    case 'subtree': return f.names.some((n) => same(n, name) || name.startsWith(`${n}/`));
  }
}

/**
 * The STATUS items for message events (RFC 5465 §3.1 initial, §5.1–5.3 later): MessageNew
 * MESSAGES UIDNEXT UIDVALIDITY, MessageExpunge MESSAGES, FlagChange UIDVALIDITY HIGHESTMODSEQ
 * (initially always — we support CONDSTORE; later only when the client enabled it, else
 * UNSEEN, §5.1's MAY).
 */
function statusItems(events: Set<string>, condstore: boolean, initial: boolean): StatusItem[] {
  const items = new Set<StatusItem>();
  if (events.has('MessageNew') || events.has('MessageExpunge')) items.add('MESSAGES');
  if (events.has('MessageNew')) { items.add('UIDNEXT'); items.add('UIDVALIDITY'); }
  if (events.has('FlagChange')) {
    items.add('UIDVALIDITY');
    if (initial || condstore) items.add('HIGHESTMODSEQ');
    else items.add('UNSEEN');
  }
  if (condstore && items.size > 0) items.add('HIGHESTMODSEQ');
  return [...items];
}
