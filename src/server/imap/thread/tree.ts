/**
 * What the threading algorithms (RFC 5256 §3) work on and produce: one entry per searched
 * message (computed from the metadata parsed at delivery), a tree of nodes where a node
 * without a message is a dummy, and the wire form of the THREAD response (RFC 5256 §5
 * thread-list: a single child continues the chain, several children are nested lists).
 */
import { baseSubjectInfo } from '../search/sort-keys.js';

export interface ThreadMessage {
  seq: number;
  uid: number;
  /** Normalized Message ID, or null when the message has no valid one. */
  messageId: string | null;
  /** RFC 5256 §3 REFERENCES: References, else the first msg-id of In-Reply-To. */
  references: string[];
  /** RFC 5256 §2.1 base subject, upper-cased (i;unicode-casemap approximated). */
  baseSubject: string;
  /** The subject shows a reply or forward (RFC 5256 §3 REFERENCES). */
  reply: boolean;
  /** RFC 5256 §2.2 sent date (INTERNALDATE when Date: is missing), epoch ms. */
  date: number;
}

export interface ThreadNode {
  msg: ThreadMessage | null;
  children: ThreadNode[];
}

/** The message-ids of a header value: each `<...>`, quoting and white space removed
 *  (RFC 5256 §3: msg-ids are normalized so quoting does not defeat a match). */
export function messageIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const m of value.matchAll(/<([^<>]*)>/g)) {
    const id = m[1].replace(/"|\s+/g, '');
    if (id !== '') out.push(id);
  }
  return out;
}

export function threadMessage(
  seq: number, uid: number, subject: string, date: number,
  headers: Array<[string, string]>,
): ThreadMessage {
  const field = (name: string): string | null => headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? null;
  const refs = messageIds(field('references'));
  const info = baseSubjectInfo(subject);
  return {
    seq, uid, date,
    messageId: messageIds(field('message-id'))[0] ?? null,
    references: refs.length > 0 ? refs : messageIds(field('in-reply-to')).slice(0, 1),
    baseSubject: info.base.toUpperCase(),
    reply: info.reply,
  };
}

/** The message a node sorts and is named by: its own, or its first child's for a dummy. */
export function representative(n: ThreadNode): ThreadMessage | null {
  return n.msg ?? (n.children[0] ? representative(n.children[0]) : null);
}

/** RFC 5256 §2.2: by sent date, ties by sequence number. */
export function byDate(a: ThreadNode, b: ThreadNode): number {
  const x = representative(a);
  const y = representative(b);
  if (!x || !y) return 0;
  return x.date - y.date || x.seq - y.seq;
}

/** The THREAD response body after "THREAD": one parenthesized list per root. Built with an
 *  explicit stack, as a reply chain may be deeper than the call stack. */
export function formatThreads(roots: ThreadNode[], uid: boolean): string {
  const out: string[] = [];
  const stack: Array<ThreadNode | string> = [];
  const nested = (kids: ThreadNode[]): Array<ThreadNode | string> => kids.flatMap((k) => ['(', k, ')']);
  for (let i = roots.length - 1; i >= 0; i--) stack.push(')', roots[i], '(');
  while (stack.length > 0) {
    const item = stack.pop() as ThreadNode | string;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    let next: Array<ThreadNode | string>;
    if (!item.msg) next = nested(item.children);
    else {
      out.push(String(uid ? item.msg.uid : item.msg.seq));
      if (item.children.length === 0) next = [];
      else if (item.children.length === 1) next = [' ', item.children[0]];
      else next = [' ', ...nested(item.children)];
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
  }
  return out.join('');
}
