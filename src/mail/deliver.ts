/**
 * Putting a message into mailboxes: the one place raw mail becomes stored mail. The bytes
 * become one content-addressed blob, are parsed once (mime/parse) into the metadata every
 * later FETCH, SEARCH and TOP reads, and get one row per target mailbox — all targets in one
 * transaction, shared with concurrent deliveries by group commit. When a function here
 * resolves, everything is durable (ARCHITECTURE.md "Durability"); then the change bus is told.
 */
import type { Store, Mailbox, NewMessage } from '../store/types.js';
import type { ChangeBus } from './changes.js';
import { GroupCommitter } from './group-commit.js';
import { parsePool } from './parse-pool.js';
import { fieldsOfMessage } from '../mime/stored-fields.js';

export interface DeliveryContext {
  store: Store;
  bus: ChangeBus;
}

export interface DeliveryTarget {
  accountId: number;
  /** Mailbox name; INBOX when absent or when the named mailbox does not exist. */
  mailbox?: string;
  flags?: string[];
}

export interface Delivered {
  accountId: number;
  mailboxId: number;
  uid: number;
  modseq: number;
}

const committers = new WeakMap<Store, GroupCommitter>();

function committerFor(store: Store): GroupCommitter {
  let c = committers.get(store);
  if (!c) committers.set(store, (c = new GroupCommitter(store.mail)));
  return c;
}

/**
 * Parses the message and names its blob: the part of a delivery that does not touch
 * mailboxes, done on the parse worker when it can take it (parse-pool.ts). A blob the store
 * takes inline (up to BlobStore.inlineLimit, nearly all mail) travels with the message and
 * is written in the rows' transaction, so blob and rows share one commit with the other
 * deliveries of the group; a larger one is put() first.
 */
export async function prepareMessage(store: Store, raw: Buffer, internalDate = Date.now()): Promise<Omit<NewMessage, 'flags'>> {
  const inline = raw.length <= (store.blobs.inlineLimit ?? 0);
  // an inline blob is named with the parse; a larger one by put(), meanwhile
  const [offloaded, stored] = await Promise.all([parsePool.parse(raw, inline), inline ? null : store.blobs.put(raw)]);
  const { blobId: named, metadata, searchText, summary } = offloaded ?? fieldsOfMessage(raw, inline);
  const blobId = stored ?? named;
  if (blobId === null) throw new Error('prepareMessage: an inline message was not named');
  return { blobId, size: raw.length, internalDate, metadata, searchText, summary, ...(inline ? { content: raw } : {}) };
}

/**
 * Delivers `raw` to every target, once per distinct mailbox, atomically. Throws UserError
 * 'quota' (nothing stored) when a target account would go over its quota, and UserError
 * 'not-found' for an unknown account.
 */
export async function deliver(
  ctx: DeliveryContext,
  raw: Buffer,
  targets: DeliveryTarget[],
  opts: { internalDate?: number } = {},
): Promise<Delivered[]> {
  const boxes = await mailboxesOf(ctx.store, targets);
  return published(ctx, boxes, await place(ctx.store, raw, boxes, opts.internalDate ?? Date.now()));
}

/** deliver() for a message already stored and parsed (prepareMessage, or prepareStream for
 *  one too large to hold in memory). */
export async function deliverPrepared(
  ctx: DeliveryContext,
  prepared: Omit<NewMessage, 'flags'>,
  targets: DeliveryTarget[],
): Promise<Delivered[]> {
  const boxes = await mailboxesOf(ctx.store, targets);
  return published(ctx, boxes, await appendPrepared(ctx.store, prepared, boxes));
}

type Target = { box: Pick<Mailbox, 'id' | 'accountId'>; flags: string[] };
type Placed = Array<{ mailboxId: number; uid: number; modseq: number }>;

/** The targets' mailboxes, each once. */
async function mailboxesOf(store: Store, targets: DeliveryTarget[]): Promise<Target[]> {
  const boxes: Target[] = [];
  const seen = new Set<number>();
  for (const t of targets) {
    const box = await resolveMailbox(store, t);
    if (seen.has(box.id)) continue;
    seen.add(box.id);
    boxes.push({ box, flags: t.flags ?? [] });
  }
  return boxes;
}

/** Stores `raw` in every box: the store's own way of parsing and writing in one step where
 *  it has one (SQLite's message writer) and can take it, else parsed here and group-committed. */
async function place(store: Store, raw: Buffer, boxes: Target[], internalDate: number): Promise<Placed> {
  return await store.mail.appendRaw?.(raw, boxes.map(({ box, flags }) => ({ mailboxId: box.id, flags })), internalDate)
    ?? appendPrepared(store, await prepareMessage(store, raw, internalDate), boxes);
}

function appendPrepared(store: Store, prepared: Omit<NewMessage, 'flags'>, boxes: Target[]): Promise<Placed> {
  return committerFor(store).append(boxes.map(({ box, flags }) => ({ mailboxId: box.id, message: { ...prepared, flags } })));
}

/** Tells the change bus (after the commit) and says where each copy went. */
async function published(ctx: DeliveryContext, boxes: Target[], placed: Placed): Promise<Delivered[]> {
  const out = placed.map((p, i) => ({ accountId: boxes[i].box.accountId, ...p }));
  for (const d of out) {
    await ctx.bus.publish({ type: 'append', accountId: d.accountId, mailboxId: d.mailboxId, uid: d.uid, modseq: d.modseq });
  }
  return out;
}

/** IMAP APPEND: one message into one mailbox, with flags and INTERNALDATE as given. */
export async function appendMessage(
  ctx: DeliveryContext,
  box: Pick<Mailbox, 'id' | 'accountId'>,
  raw: Buffer,
  opts: { flags?: string[]; internalDate?: number } = {},
): Promise<{ uid: number; modseq: number }> {
  const boxes = [{ box, flags: opts.flags ?? [] }];
  // Not the store's own writer (place()): on SQLite that is a second connection, and each of
  // its commits empties the page cache of the connection every IMAP session reads through
  // (a WAL reader that finds the log changed by another connection resets its cache). Under
  // imaptest's 50 clients, APPEND through the writer cost 10% of the commands per second
  // (3 alternating pairs: 5,375–5,964 against 6,309–6,782) and 0.03 ms CPU per command.
  const prepared = await prepareMessage(ctx.store, raw, opts.internalDate ?? Date.now());
  const placed = await appendPrepared(ctx.store, prepared, boxes);
  ctx.store.blobs.keep?.(prepared.blobId, raw); // committed; before any session hears of it
  const [d] = await published(ctx, boxes, placed);
  return { uid: d.uid, modseq: d.modseq };
}

/** INBOX ids per store and account, at most INBOX_MEMO of them. A known id stays right: the
 *  INBOX row is never renamed (RENAME INBOX moves its messages, RFC 3501 §6.3.5), never
 *  deleted while its account lives, and ids are not reused, so an account made anew has a
 *  new id and a gone account's entry is never asked for again. */
const inboxes = new WeakMap<Store, Map<number, number>>();
const INBOX_MEMO = 10_000;

async function resolveMailbox(store: Store, t: DeliveryTarget): Promise<Pick<Mailbox, 'id' | 'accountId'>> {
  if (t.mailbox && t.mailbox.toUpperCase() !== 'INBOX') {
    const named = await store.mail.getMailbox(t.accountId, t.mailbox);
    if (named) return named;
  }
  let memo = inboxes.get(store);
  if (!memo) inboxes.set(store, (memo = new Map()));
  const known = memo.get(t.accountId);
  if (known !== undefined) return { id: known, accountId: t.accountId };
  const inbox = await store.mail.getMailbox(t.accountId, 'INBOX');
  if (!inbox) throw new Error(`account ${t.accountId} has no INBOX`);
  if (memo.size >= INBOX_MEMO) memo.clear();
  memo.set(t.accountId, inbox.id);
  return inbox;
}
