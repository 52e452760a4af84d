/**
 * RFC 5256 §3 ORDEREDSUBJECT ("poor man's threading"): messages sorted by base subject,
 * then sent date; each run of one base subject is a thread whose first message is the root
 * and the others its children (no grandchildren); threads ordered by their root's sent date.
 * Ties fall back to sequence number (RFC 5256 §2.2).
 */
import { byDate, type ThreadMessage, type ThreadNode } from './tree.js';

export function orderedSubject(messages: ThreadMessage[]): ThreadNode[] {
  const sorted = [...messages].sort((a, b) =>
    (a.baseSubject < b.baseSubject ? -1 : a.baseSubject > b.baseSubject ? 1 : 0) || a.date - b.date || a.seq - b.seq);
  const roots: ThreadNode[] = [];
  let current: ThreadNode | null = null;
  for (const m of sorted) {
    if (current?.msg && current.msg.baseSubject === m.baseSubject) current.children.push({ msg: m, children: [] });
    else {
      current = { msg: m, children: [] };
      roots.push(current);
    }
  }
  return roots.sort(byDate);
}
