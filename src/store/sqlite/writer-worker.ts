/**
 * The worker thread of writer.ts: parses each message as it arrives and appends it to its
 * mailboxes with its own connection, through the group commit the event loop's deliveries
 * use too (lib/group-commit.ts): messages that arrive while a transaction commits go
 * together into the next one, and when a shared transaction fails (say one account is over
 * quota) each message gets a transaction of its own. Each answer carries its question's id.
 *
 * Durability: the connection runs synchronous=NORMAL, and a message is answered once the
 * WAL's fdatasync that began after its COMMIT has ended (wal-sync.ts, as on the event loop:
 * what synchronous=FULL does at commit, without holding the write lock through the disk's
 * wait). While the disk syncs one batch, the next is parsed and written.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { UserError } from '../../lib/errors.js';
import { GroupCommitter } from '../../lib/group-commit.js';
import { fieldsOfMessage } from '../../mime/stored-fields.js';
import { appendItems } from '../sql/messages.js';
import type { DB } from '../sql/schema.js';
import type { NewMessage } from '../types.js';
import { cachedDatabase } from './dialect.js';
import { WalSync } from './wal-sync.js';
import { WriteGate } from './write-gate.js';
import type { Placed, WriterAsk, WriterReply, WriterSetup } from './writer.js';

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

const committer = new GroupCommitter<Item, Placed>(async (items) => {
  const placed = await transaction(items);
  await wal.sync();
  return placed;
}, (it) => it.message.content?.length ?? 0);

/** Answers not yet posted: one postMessage carries all that are ready in one turn. */
let ready: Array<{ id: number; reply: WriterReply }> = [];
let open = 0;
let closing = false;
let closed = false;

port.on('message', (m: WriterAsk | 'close') => {
  if (m === 'close') closing = true;
  else void answer(m);
  if (closing && open === 0) void close();
});

async function answer(ask: WriterAsk): Promise<void> {
  open++;
  let reply: WriterReply;
  try {
    const items = itemsOf(ask);
    reply = { placed: await committer.append(items) };
  } catch (err) {
    reply = err instanceof UserError ? { refused: err.message, reason: err.reason }
      : err instanceof Unparsed ? { unparsed: err.message }
      : { failed: String(err) };
  }
  open--;
  if (ready.push({ id: ask.id, reply }) === 1) setImmediate(post);
  if (closing && open === 0) void close();
}

function post(): void {
  if (ready.length === 0) return;
  const out = ready;
  ready = [];
  port!.postMessage(out);
}

class Unparsed extends Error {}

function itemsOf(ask: WriterAsk): Item[] {
  const bytes = Buffer.from(ask.raw.buffer, ask.raw.byteOffset, ask.raw.byteLength);
  let f: ReturnType<typeof fieldsOfMessage>;
  try {
    f = fieldsOfMessage(bytes, true);
  } catch (err) {
    throw new Unparsed(String(err));
  }
  const message = {
    blobId: f.blobId!, size: bytes.length, internalDate: ask.internalDate, metadata: f.metadata, searchText: f.searchText,
    summary: f.summary, content: bytes,
  };
  return ask.targets.map((t) => ({ mailboxId: t.mailboxId, message: { ...message, flags: t.flags } }));
}

/** One IMMEDIATE transaction under the write gate. The gate is taken inside Kysely's
 *  connection, so a second transaction of this thread waits for the first without blocking. */
function transaction(items: Item[]): Promise<Placed[]> {
  return db.connection().execute(async (c) => {
    gate.lockBlocking();
    try {
      await sql`BEGIN IMMEDIATE`.execute(c);
      try {
        const placed = await appendItems(c, 'sqlite', items);
        await sql`COMMIT`.execute(c);
        return placed;
      } catch (err) {
        if (raw.inTransaction) await sql`ROLLBACK`.execute(c);
        throw err;
      }
    } finally {
      gate.unlock();
    }
  });
}

/** After 'close', once every message sent before it is answered. */
async function close(): Promise<void> {
  if (closed) return;
  closed = true;
  post();
  await wal.close();
  await db.destroy();
  port!.close();
}

// loaded: writer.ts sends messages from now on
port.postMessage('ready');
