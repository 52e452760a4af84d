/**
 * The streaming put of the file blob store: bytes go to a temp file in DATA/blobs/tmp and
 * through SHA-256 as they arrive, so memory stays at one chunk whatever the size. finish()
 * fdatasyncs the file and hands it to the store, which renames it into place and fsyncs
 * the folder (or drops it when the same content is already stored: content addressing).
 * A crash before finish() leaves only a temp file, which collectGarbage removes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobId, BlobWriter } from '../types.js';

/** Moves a finished, fsynced temp file to the blob named `id` (durably), or drops it. */
export type PlaceFn = (tmpPath: string, id: BlobId) => Promise<void>;

export class FsBlobWriter implements BlobWriter {
  size = 0;
  private readonly hash = createHash('sha256');
  private readonly path: string;
  private fh: Promise<FileHandle>;
  private done = false;

  constructor(tmpDir: string, private readonly place: PlaceFn) {
    this.path = join(tmpDir, `w.${randomBytes(8).toString('hex')}`);
    this.fh = open(this.path, 'wx', 0o640);
    this.fh.catch(() => undefined); // reported by the first write or finish
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.done) throw new Error('blob writer already finished');
    this.hash.update(chunk);
    this.size += chunk.length;
    const fh = await this.fh;
    let off = 0;
    while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
  }

  async finish(): Promise<BlobId> {
    if (this.done) throw new Error('blob writer already finished');
    this.done = true;
    const id = this.hash.digest('hex');
    const fh = await this.fh;
    try {
      await fh.datasync(); // content and size; place() makes the name durable
    } finally {
      await fh.close();
    }
    try {
      await this.place(this.path, id);
    } catch (err) {
      await unlink(this.path).catch(() => undefined);
      throw err;
    }
    return id;
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.fh.then((fh) => fh.close(), () => undefined).catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}
