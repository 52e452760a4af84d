/**
 * MIME parse benchmarks (issue 2 §4): throughput over a mix of realistic messages, and peak
 * memory while streaming a 50 MB message with a large base64 attachment in 64 KB chunks.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MimeParser, parseMessage } from '../src/mime/parse.js';

const fixtures = new URL('../test/fixtures/mime/', import.meta.url).pathname;

function wrap(b64: string): string {
  return b64.replace(/.{76}/g, '$&\r\n');
}

/** A typical newsletter: multipart/alternative with a 30 KB HTML part (quoted-printable). */
function newsletter(i: number): Buffer {
  const html = `<html><body>${'<p>Weekly news &amp; updates for everyone, item number ' + i + '.</p>\r\n'.repeat(500)}</body></html>`;
  return Buffer.from(
    `From: News <news@example.test>\r\nTo: reader${i}@example.test\r\nSubject: =?utf-8?q?Weekly_news_=E2=9C=93?= ${i}\r\n` +
      `Date: Tue, 14 May 2024 09:30:00 +0200\r\nMessage-ID: <n${i}@example.test>\r\nMIME-Version: 1.0\r\n` +
      'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
      'Weekly news for everyone.\r\n'.repeat(300) + '--b1\r\nContent-Type: text/html; charset=utf-8\r\n' +
      `Content-Transfer-Encoding: quoted-printable\r\n\r\n${html}\r\n--b1--\r\n`,
  );
}

/** A message with a 1 MB base64 attachment. */
function withAttachment(size: number): Buffer {
  return Buffer.from(
    'From: a@example.test\r\nTo: b@example.test\r\nSubject: file\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n--mix\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n' +
      '--mix\r\nContent-Type: application/octet-stream; name="f.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
      `${wrap(randomBytes(size).toString('base64'))}\r\n--mix--\r\n`,
  );
}

async function throughput(): Promise<void> {
  const mix: Buffer[] = readdirSync(fixtures).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(fixtures, f)));
  for (let i = 0; i < 20; i++) mix.push(newsletter(i));
  for (let i = 0; i < 4; i++) mix.push(withAttachment(1024 * 1024));
  const total = mix.reduce((n, b) => n + b.length, 0);
  for (const m of mix) parseMessage(m); // warm-up
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  while (bytes < 200 * 1024 * 1024) {
    for (const m of mix) parseMessage(m);
    bytes += total;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`mime parse throughput (mix of ${mix.length} messages, ${(total / 1048576).toFixed(1)} MB): ${(bytes / 1048576 / secs).toFixed(0)} MB/s`);

}

async function bigMessage(): Promise<void> {
  // 50 MB message, fed in 64 KB chunks generated on the fly (the message never exists whole).
  const head = Buffer.from(
    'From: a@example.test\r\nTo: b@example.test\r\nSubject: big\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="big"\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nA big file.\r\n' +
      '--big\r\nContent-Type: application/octet-stream; name="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
  );
  const line = Buffer.from(`${randomBytes(57).toString('base64')}\r\n`);
  const chunk = Buffer.concat(Array.from({ length: Math.floor(65536 / line.length) }, () => line));
  const target = 50 * 1024 * 1024;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const retained = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  let ret0 = 0;
  let peakRetained = 0;
  const p = new MimeParser();
  p.write(head);
  const t1 = process.hrtime.bigint();
  let fed = head.length;
  for (let i = 0; fed < target; i++) {
    const c = Buffer.from(chunk); // a fresh buffer per chunk, as a socket would deliver
    p.write(c);
    fed += c.length;
    if (i % 16 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (i === 16) {
      // Baseline once the parser is inside the attachment (lazy module set-up excluded).
      gc();
      gc();
      ret0 = retained();
    } else if (i % 128 === 64) {
      gc();
      gc();
      peakRetained = Math.max(peakRetained, retained() - ret0);
    }
  }
  const parsed = p.write(Buffer.from('\r\n--big--\r\n')).end();
  const secs2 = Number(process.hrtime.bigint() - t1) / 1e9;
  console.log(`mime 50 MB message, 64 KB chunks: ${(fed / 1048576 / secs2).toFixed(0)} MB/s`);
  console.log(`mime 50 MB message peak RSS delta: ${((peakRss - rss0) / 1048576).toFixed(1)} MB`);
  console.log(`mime 50 MB message growth of retained memory from 1 MB to 50 MB fed (heap + buffers after GC): ${(peakRetained / 1048576).toFixed(2)} MB`);
  if (parsed.attachments[0]?.size === undefined) throw new Error('big attachment not found');
}

/** Hostile shape: 20 MB of tiny parts (the part cap keeps the structure bounded). */
async function manyParts(): Promise<void> {
  const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=b\r\n\r\n${'--b\r\nContent-Type: text/plain\r\n\r\nx\r\n'.repeat(500_000)}--b--\r\n`);
  const t = process.hrtime.bigint();
  const p = parseMessage(raw);
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`mime ${(raw.length / 1048576).toFixed(0)} MB of ${500_000} tiny parts (${p.body.children?.length} kept): ${(raw.length / 1048576 / secs).toFixed(0)} MB/s`);
}

export async function run(): Promise<void> {
  await bigMessage();
  await throughput();
  await manyParts();
}
