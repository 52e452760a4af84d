/**
 * The worker thread of parse-pool.ts: parses each message it is sent and answers with what
 * a delivery stores beside the bytes (prepareMessage in deliver.ts), in the order asked.
 */
import { parentPort } from 'node:worker_threads';
import { fieldsOfMessage } from '../mime/stored-fields.js';

/** A message for the parse worker: its bytes, and whether to name its blob. */
export interface ParseAsk {
  raw: Uint8Array;
  hash: boolean;
}

/** A parse that threw is answered as unparsed (the caller parses again and sees the error
 *  itself); an `error` reply would end every question waiting (lib/worker-calls.ts). */
export type ParseReply = ReturnType<typeof fieldsOfMessage> | { unparsed: string };

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread');
port.on('message', (ask: ParseAsk) => {
  let reply: ParseReply;
  try {
    reply = fieldsOfMessage(Buffer.from(ask.raw.buffer, ask.raw.byteOffset, ask.raw.byteLength), ask.hash);
  } catch (err) {
    reply = { unparsed: String(err) };
  }
  port.postMessage(reply);
});
// loaded: parse-pool.ts sends messages from now on
port.postMessage('ready');
