/**
 * The worker thread of parse-pool.ts: parses each message it is sent and answers with what
 * a delivery stores beside the bytes (prepareMessage in deliver.ts), in the order asked.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { parseMessage } from '../mime/parse.js';
import { parsedFields, type ParseAsk, type ParseReply } from './parsed-fields.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread');
port.on('message', (ask: ParseAsk) => {
  let reply: ParseReply;
  try {
    const raw = Buffer.from(ask.raw.buffer, ask.raw.byteOffset, ask.raw.byteLength);
    // types.ts BlobId: the SHA-256 of the bytes, lower-case hex
    const blobId = ask.hash ? createHash('sha256').update(raw).digest('hex') : null;
    reply = { blobId, ...parsedFields(parseMessage(raw)) };
  } catch (err) {
    reply = { unparsed: String(err) };
  }
  port.postMessage(reply);
});
// loaded: parse-pool.ts sends messages from now on
port.postMessage('ready');
