/**
 * The parse worker (src/mail/parse-pool.ts): what it hands a delivery is what the event loop
 * would have computed itself, for every MIME fixture (broken ones included), and a one-shot
 * process that delivers through it waits for its answers and then exits.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePool } from '../../src/mail/parse-pool.js';
import { parsedFields } from '../../src/mime/stored-fields.js';
import { parseMessage } from '../../src/mime/parse.js';

const FIXTURES = new URL('../fixtures/mime/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

/** The pool answers null while its worker starts: ask until it answers. */
async function parsedByWorker(raw: Buffer, hash: boolean): Promise<NonNullable<Awaited<ReturnType<typeof parsePool.parse>>>> {
  for (let i = 0; i < 400; i++) {
    const r = await parsePool.parse(raw, hash);
    if (r) return r;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the parse worker never answered');
}

test('the worker stores what the event loop would, for every MIME fixture', async () => {
  const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.eml'));
  assert.ok(names.length > 50);
  for (const name of names) {
    const raw = readFileSync(join(FIXTURES, name));
    const got = await parsedByWorker(raw, true);
    const { blobId, ...fields } = got;
    assert.deepEqual(fields, parsedFields(parseMessage(raw)), name);
    assert.equal(blobId, createHash('sha256').update(raw).digest('hex'), name);
  }
  const unnamed = await parsedByWorker(Buffer.from('Subject: x\r\n\r\nbody\r\n'), false);
  assert.equal(unnamed.blobId, null);
});

test('answers arrive in order under many questions at once, and the caller keeps its bytes', async () => {
  await parsedByWorker(Buffer.from('Subject: warm\r\n\r\n'), false);
  const raws = Array.from({ length: 200 }, (_, i) => Buffer.from(`Subject: number ${i}\r\n\r\nbody ${i}\r\n`));
  const got = await Promise.all(raws.map((raw) => parsePool.parse(raw, true)));
  let offloaded = 0;
  got.forEach((r, i) => {
    // past the pool's bound the caller parses itself (null): both are right
    if (!r) return;
    offloaded++;
    assert.equal(JSON.parse(r.metadata).subject, `number ${i}`);
  });
  assert.ok(offloaded > 0);
  // the pool moved a copy to the worker, not the caller's buffer
  assert.equal(raws[7].toString(), 'Subject: number 7\r\n\r\nbody 7\r\n');
});

test('a one-shot process that delivers waits for the worker, then exits by itself', () => {
  const script = `
    import { parsePool } from './src/mail/parse-pool.js';
    const raw = Buffer.from('Subject: one-shot\\r\\n\\r\\nbody\\r\\n');
    let r = null;
    for (let i = 0; i < 400 && !r; i++) {
      r = await parsePool.parse(raw, true);
      if (!r) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // this question is asked with nothing else keeping the process alive
    const again = await parsePool.parse(raw, false);
    console.log(JSON.parse(r.metadata).subject, again === null ? 'local' : JSON.parse(again.metadata).subject);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'one-shot one-shot');
});
