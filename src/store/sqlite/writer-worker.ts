/**
 * The worker thread of writer.ts: parses each message it is sent and appends it to its
 * mailboxes with its own connection, then makes the commit durable, and answers each
 * question in the order asked. Messages that arrive while one batch is written go together
 * into the next transaction: a group commit as mail/group-commit.ts makes on the event loop,
 * here one synchronous step per batch (GroupCommitter itself on this thread, with its timer
 * and second batch in flight, measured 3–20 % fewer messages per second). When the shared
 * transaction fails (say one account is over quota), each message is tried in a
 * transaction of its own, so one bad message never fails its neighbours.
 *
 * Durability: the connection runs synchronous=NORMAL and, once COMMIT has written the
 * frames and the write gate is free again, this thread syncs the WAL before it answers
 * (wal-sync.ts syncHere: what synchronous=FULL does at commit, without holding the write
 * lock through the disk's wait).
 */
import Database from 'better-sqlite3';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { UserError } from '../../lib/errors.js';
import { fieldsOfMessage } from '../../mime/stored-fields.js';
import { appendItems } from '../sql/messages.js';
import type { DB } from '../sql/schema.js';
import type { NewMessage } from '../types.js';
import { cachedDatabase } from './dialect.js';
import { WalSync } from './wal-sync.js';
import { WriteGate } from './write-gate.js';
import type { WriterAsk, WriterReply, WriterSetup } from './writer.js';

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs as a worker thread');
const setup = workerData as WriterSetup;
const gate = new WriteGate(setup.gate);
const raw = new Database(setup.path);
raw.pragma('busy_timeout = 10000'); // another process's writer (the CLI): this thread may wait
raw.pragma('synchronous = NORMAL');
// statements prepared once, as on the event loop's connection
const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedDatabase(raw) }) });
const wal = new WalSync(setup.path);

type Item = { mailboxId: number; message: NewMessage };
type Placed = Array<{ mailboxId: number; uid: number; modseq: number }>;

/** Messages and bytes per transaction at most, as mail/group-commit.ts: they bound how long
 *  the write gate, and so every write of the event loop, waits for one batch. */
const MAX_BATCH = 256;
const MAX_BYTES = 8 * 1024 * 1024;

const waiting: WriterAsk[] = [];
let scheduled = false;
let closing = false;

port.on('message', (m: WriterAsk | 'close') => {
  if (m === 'close') closing = true;
  else waiting.push(m);
  if (!scheduled) {
    scheduled = true;
    setImmediate(() => void run());
  }
});

async function run(): Promise<void> {
  // whatever else is already queued on the port joins this batch
  for (let m = receiveMessageOnPort(port!); m; m = receiveMessageOnPort(port!)) {
    const msg = m.message as WriterAsk | 'close';
    if (msg === 'close') closing = true;
    else waiting.push(msg);
  }
  const asks = nextBatch();
  if (asks.length > 0) port!.postMessage(await write(asks).catch((err) => asks.map(() => failed(err))));
  scheduled = false;
  if (waiting.length > 0) {
    scheduled = true;
    setImmediate(() => void run());
  } else if (closing) {
    await wal.close();
    await db.destroy();
    port!.close();
  }
}

/** The oldest waiting messages, as many as one transaction takes (at least one). */
function nextBatch(): WriterAsk[] {
  let n = 0;
  let bytes = 0;
  while (n < waiting.length && n < MAX_BATCH && (n === 0 || bytes + waiting[n].raw.byteLength <= MAX_BYTES)) bytes += waiting[n++].raw.byteLength;
  return waiting.splice(0, n);
}

/** One reply per ask, in order. */
async function write(asks: WriterAsk[]): Promise<WriterReply[]> {
  const replies: Array<WriterReply | null> = asks.map(() => null);
  const items: Item[][] = asks.map((ask, i) => {
    try {
      return itemsOf(ask);
    } catch (err) {
      replies[i] = { unparsed: String(err) };
      return [];
    }
  });
  const todo = asks.map((_, i) => i).filter((i) => replies[i] === null);
  if (todo.length === 0) return replies as WriterReply[];
  gate.lockBlocking();
  try {
    try {
      const placed = await transaction(todo.flatMap((i) => items[i]));
      let at = 0;
      for (const i of todo) {
        replies[i] = { placed: placed.slice(at, at + items[i].length) };
        at += items[i].length;
      }
    } catch {
      for (const i of todo) {
        try {
          replies[i] = { placed: await transaction(items[i]) };
        } catch (err) {
          replies[i] = failed(err);
        }
      }
    }
  } finally {
    gate.unlock();
  }
  if (replies.some((r) => r !== null && 'placed' in r)) {
    try {
      await wal.syncHere();
    } catch (err) {
      // committed, but not known to be on disk: nobody is told it is stored
      for (let i = 0; i < replies.length; i++) if (replies[i] && 'placed' in replies[i]!) replies[i] = failed(err);
    }
  }
  return replies as WriterReply[];
}

function itemsOf(ask: WriterAsk): Item[] {
  const bytes = Buffer.from(ask.raw.buffer, ask.raw.byteOffset, ask.raw.byteLength);
  const f = fieldsOfMessage(bytes, true);
  const message = {
    blobId: f.blobId!, size: bytes.length, internalDate: ask.internalDate, metadata: f.metadata, searchText: f.searchText,
    summary: f.summary, content: bytes,
  };
  return ask.targets.map((t) => ({ mailboxId: t.mailboxId, message: { ...message, flags: t.flags } }));
}

async function transaction(items: Item[]): Promise<Placed> {
  return db.connection().execute(async (c) => {
    await sql`BEGIN IMMEDIATE`.execute(c);
    try {
      const placed = await appendItems(c, 'sqlite', items);
      await sql`COMMIT`.execute(c);
      return placed;
    } catch (err) {
      if (raw.inTransaction) await sql`ROLLBACK`.execute(c);
      throw err;
    }
  });
}

function failed(err: unknown): WriterReply {
  return err instanceof UserError ? { refused: err.message, reason: err.reason } : { failed: String(err) };
}

// loaded: writer.ts sends messages from now on
port.postMessage('ready');
