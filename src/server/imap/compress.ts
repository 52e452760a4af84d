/**
 * The COMPRESS=DEFLATE layer of one connection (RFC 4978): raw DEFLATE (RFC 1951, no zlib or
 * gzip wrapper) both ways, between the IMAP octets and the socket — under TLS the data is
 * compressed first, then encrypted (§3). Output is flushed with Z_SYNC_FLUSH once per batch
 * of writes (one event-loop turn), so the client can decode every response as soon as it
 * arrives (§4: flush at the end of each response burst) without a flush per line.
 * Inflated input is bounded by the socket's pausing upstream (connection.ts).
 */
import { once } from 'node:events';
import { socketDrained } from './drain.js';
import type { Socket } from 'node:net';
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

export class DeflateLayer {
  private readonly deflate: DeflateRaw;
  private readonly inflate: InflateRaw;
  private flushScheduled = false;

  /** `onInput` receives the inflated octets; `onError` a corrupt stream from the peer. */
  constructor(private readonly socket: Socket, onInput: (chunk: Buffer) => void, onError: () => void) {
    // Level 6 / memLevel 8 are zlib's defaults; windowBits 15 as RFC 4978 §4 assumes.
    this.deflate = createDeflateRaw({ level: 6, windowBits: 15 });
    this.inflate = createInflateRaw({ windowBits: 15 });
    this.deflate.on('data', (d: Buffer) => {
      if (!socket.destroyed && socket.writable) socket.write(d);
    });
    this.deflate.on('error', onError);
    this.inflate.on('data', onInput);
    this.inflate.on('error', onError);
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => this.inflate.write(chunk));
  }

  write(data: string | Buffer): void {
    this.deflate.write(data);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.deflate.flush(constants.Z_SYNC_FLUSH);
    });
  }

  /** Resolves when the compressor and the socket have taken what was written (backpressure). */
  async drained(): Promise<void> {
    if (this.deflate.writableNeedDrain) await once(this.deflate, 'drain');
    await socketDrained(this.socket);
  }

  /** Flushes what is pending, then calls `done` (before the socket is ended). */
  finish(done: () => void): void {
    this.deflate.flush(constants.Z_SYNC_FLUSH, done);
  }
}
