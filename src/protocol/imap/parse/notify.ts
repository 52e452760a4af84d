/**
 * NOTIFY arguments (RFC 5465 §8):
 *   notify = "NOTIFY" SP ("SET" [SP "STATUS"] SP event-groups / "NONE")
 *   event-group = "(" filter-mailboxes SP events ")"
 * with the rules of §5 and §6.1 that make a request BAD: MessageNew and MessageExpunge only
 * together, FlagChange/AnnotationChange only with both, only message events (and fetch
 * attributes only) for SELECTED/SELECTED-DELAYED, which may appear once. Event names are
 * kept as the client wrote them (canonical case); which ones are supported is the server's
 * business (NO [BADEVENT], §3.1).
 */
import { bad } from '../errors.js';
import type { Reader } from '../reader.js';
import { readMailbox } from './args.js';
import { readFetchItemList, type FetchItem } from './fetch.js';

export type NotifyFilter =
  | { kind: 'selected' | 'selected-delayed' | 'inboxes' | 'personal' | 'subscribed' }
  | { kind: 'subtree' | 'mailboxes'; names: string[] };

export interface NotifyGroup {
  filter: NotifyFilter;
  /** Event names in canonical case (e.g. 'MessageNew'); empty for NONE. */
  events: string[];
  /** MessageNew's fetch attributes (selected filters only). */
  fetch: FetchItem[];
}

export type NotifyArgs = { kind: 'none' } | { kind: 'set'; status: boolean; groups: NotifyGroup[] };

export const MESSAGE_EVENTS = ['MessageNew', 'MessageExpunge', 'FlagChange', 'AnnotationChange'];
const KNOWN = [...MESSAGE_EVENTS, 'MailboxName', 'SubscriptionChange', 'MailboxMetadataChange', 'ServerMetadataChange'];

function canonical(atom: string): string {
  return KNOWN.find((k) => k.toLowerCase() === atom.toLowerCase()) ?? atom;
}

function readMailboxes(r: Reader, utf8: boolean): string[] {
  r.sp();
  if (r.peekChar('(')) return r.list(() => readMailbox(r, utf8), false, 100);
  return [readMailbox(r, utf8)];
}

function readFilter(r: Reader, utf8: boolean): NotifyFilter {
  const word = r.atom('a mailbox filter').toLowerCase();
  switch (word) {
    case 'selected': case 'selected-delayed': case 'inboxes': case 'personal': case 'subscribed':
      return { kind: word };
    case 'subtree': case 'mailboxes':
      return { kind: word, names: readMailboxes(r, utf8) };
    default: throw bad(`Unknown NOTIFY mailbox filter ${word}`);
  }
}

function readGroup(r: Reader, utf8: boolean): NotifyGroup {
  r.expect('(');
  const filter = readFilter(r, utf8);
  r.sp();
  const events: string[] = [];
  let fetch: FetchItem[] = [];
  if (!r.eatWord('NONE')) {
    r.expect('(');
    do {
      const ev = canonical(r.atom('an event'));
      if (events.includes(ev)) throw bad(`${ev} given twice`);
      events.push(ev);
      if (ev === 'MessageNew' && r.buf[r.pos] === 0x20 && r.buf[r.pos + 1] === 0x28) {
        r.sp();
        fetch = readFetchItemList(r);
      }
    } while (r.eat(' '));
    r.expect(')');
  }
  r.expect(')');
  const selected = filter.kind === 'selected' || filter.kind === 'selected-delayed';
  // RFC 5465 §5: MessageNew and MessageExpunge together; FlagChange/AnnotationChange need both.
  const has = (e: string) => events.includes(e);
  if (has('MessageNew') !== has('MessageExpunge')) throw bad('MessageNew and MessageExpunge go together');
  if ((has('FlagChange') || has('AnnotationChange')) && !has('MessageNew')) throw bad('FlagChange needs MessageNew and MessageExpunge');
  // RFC 5465 §6.1: only message events for the selected mailbox; fetch attributes only there (§8).
  if (selected && events.some((e) => !MESSAGE_EVENTS.includes(e))) throw bad('Only message events apply to SELECTED');
  if (!selected && fetch.length > 0) throw bad('Fetch attributes only apply to SELECTED');
  return { filter, events, fetch };
}

export function readNotifyArgs(r: Reader, utf8: boolean): NotifyArgs {
  r.sp();
  if (r.eatWord('NONE')) {
    r.end();
    return { kind: 'none' };
  }
  if (!r.eatWord('SET')) throw bad('Expected SET or NONE');
  r.sp();
  const status = r.eatWord('STATUS');
  if (status) r.sp();
  const groups: NotifyGroup[] = [];
  do {
    groups.push(readGroup(r, utf8));
    if (groups.length > 50) throw bad('Too many NOTIFY event groups', 'LIMIT');
  } while (r.eat(' '));
  r.end();
  if (groups.filter((g) => g.filter.kind === 'selected' || g.filter.kind === 'selected-delayed').length > 1) {
    throw bad('Only one of SELECTED and SELECTED-DELAYED');
  }
  return { kind: 'set', status, groups };
}
