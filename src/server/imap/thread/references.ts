/**
 * RFC 5256 §3 REFERENCES threading, step by step as the RFC numbers them. Messages are
 * taken in sequence order, so of several messages with one Message ID the lowest sequence
 * number keeps it (the others, like messages without one, get a unique ID); a message's own
 * References/In-Reply-To decide its parent over what other messages' References guessed
 * (step 1.B); no link that would close a loop is made. Input is the searched messages only.
 */
import { byDate, representative, type ThreadMessage, type ThreadNode } from './tree.js';

interface Container {
  msg: ThreadMessage | null;
  parent: Container | null;
  children: Container[];
}

/** True when `node` is `ancestor` or lies below it. A childless ancestor has nothing below
 *  it, which spares the walk up in the common case (a long chain would make it quadratic). */
function within(node: Container, ancestor: Container): boolean {
  if (ancestor.children.length === 0) return node === ancestor;
  for (let c: Container | null = node; c; c = c.parent) if (c === ancestor) return true;
  return false;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

function unlink(child: Container): void {
  const p = child.parent;
  if (!p) return;
  p.children = p.children.filter((c) => c !== child);
  child.parent = null;
}

/** Step 1: the containers, linked by references. Returns every container made. */
function buildContainers(messages: ThreadMessage[]): Container[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const make = (msg: ThreadMessage | null): Container => {
    const c: Container = { msg, parent: null, children: [] };
    all.push(c);
    return c;
  };
  const lookup = (id: string): Container => {
    let c = byId.get(id);
    if (!c) {
      c = make(null); // a dummy until (and unless) its message comes
      byId.set(id, c);
    }
    return c;
  };
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    const known = m.messageId === null ? undefined : byId.get(m.messageId);
    let self: Container;
    if (m.messageId !== null && known === undefined) {
      self = make(m);
      byId.set(m.messageId, self);
    } else if (known && known.msg === null) {
      self = known;
      self.msg = m;
    } else {
      self = make(m); // no Message ID, or a duplicate: a unique one
    }
    // (1.A) chain the references; keep existing parents, make no loop.
    let prev: Container | null = null;
    for (const id of m.references) {
      const ref = lookup(id);
      if (prev && ref.parent === null && !within(prev, ref)) link(prev, ref);
      prev = ref;
    }
    // (1.B) the last reference is the parent, replacing any guessed one, unless it loops.
    unlink(self);
    if (prev && !within(prev, self)) link(prev, self);
  }
  return all;
}

/** Step 3: dummies without children go; a dummy's children are promoted, but to the root
 *  level only when it has a single child. Iterative (children before parents), so a reply
 *  chain thousands deep does not exhaust the stack. */
function prune(heads: Container[]): ThreadNode[] {
  const order: Container[] = [];
  const stack = [...heads];
  while (stack.length > 0) {
    const c = stack.pop() as Container;
    order.push(c);
    for (const k of c.children) stack.push(k);
  }
  const pruned = new Map<Container, ThreadNode[]>();
  for (let i = order.length - 1; i >= 0; i--) {
    const c = order[i];
    const children = c.children.flatMap((k) => pruned.get(k) ?? []);
    if (c.msg !== null) pruned.set(c, [{ msg: c.msg, children }]);
    else if (children.length === 0) pruned.set(c, []);
    else if (c.parent !== null || children.length === 1) pruned.set(c, children);
    else pruned.set(c, [{ msg: null, children }]);
  }
  return heads.flatMap((h) => pruned.get(h) ?? []);
}

/** Step 5: threads under the root with one base subject are merged. */
function mergeSubjects(roots: ThreadNode[]): ThreadNode[] {
  const subjectOf = (n: ThreadNode) => (n.msg ?? n.children[0]?.msg ?? null)?.baseSubject ?? '';
  const table = new Map<string, ThreadNode>();
  // (5.B)
  for (const n of roots) {
    const s = subjectOf(n);
    if (s === '') continue;
    const t = table.get(s);
    if (!t) table.set(s, n);
    else if (t.msg && (!n.msg || (t.msg.reply && !n.msg.reply))) table.set(s, n);
  }
  // (5.C)
  const out: ThreadNode[] = [];
  const replaced = new Map<ThreadNode, ThreadNode>();
  for (const n of roots) {
    const s = subjectOf(n);
    const t0 = s === '' ? undefined : table.get(s);
    if (!t0 || t0 === n || replaced.get(n) === t0) {
      out.push(n);
      continue;
    }
    const t = t0;
    if (!t.msg && !n.msg) t.children.push(...n.children);
    else if (!t.msg) t.children.push(n);
    else if (n.msg?.reply && !t.msg.reply) t.children.push(n);
    else {
      const dummy: ThreadNode = { msg: null, children: [t, n] };
      replaced.set(t, dummy);
      table.set(s, dummy);
    }
  }
  return out.map((n) => replaced.get(n) ?? n);
}

/** Step 6: every set of siblings by sent date, deepest first (a dummy sorts by its first
 *  child, so its children are ordered before it is). Iterative, as prune(). */
function sortTree(roots: ThreadNode[]): void {
  const lists: ThreadNode[][] = [roots];
  for (let i = 0; i < lists.length; i++) for (const n of lists[i]) if (n.children.length > 0) lists.push(n.children);
  for (let i = lists.length - 1; i >= 0; i--) lists[i].sort(byDate);
}

export function referencesThreads(messages: ThreadMessage[]): ThreadNode[] {
  const all = buildContainers(messages);
  // (2) the messages without parent are the thread heads.
  const heads = all.filter((c) => c.parent === null);
  const roots = prune(heads);
  // (4) dummies order their children first, then stand for the first of them.
  for (const r of roots) if (!r.msg) r.children.sort(byDate);
  roots.sort(byDate);
  const merged = mergeSubjects(roots);
  sortTree(merged);
  return merged.filter((n) => representative(n) !== null);
}
