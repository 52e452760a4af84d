/**
 * The mail client against Dovecot (127.0.0.1:10143): the time to sync a 10,000-message
 * folder into an empty cache, again with nothing new (issue 7 aims under one second thanks
 * to CONDSTORE/QRESYNC), after one flag change on the server, and `mail list` from the cache.
 * The folder (user80, "bench10k") is made once and kept between runs.
 */
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { posthorn } from '../test/client/cli.js';
import { ImapClient } from '../src/client/imap.js';
import { append, search, select, store } from '../src/client/imap-mailbox.js';

const N = 10_000;
const FOLDER = 'bench10k';
const spec = { host: '127.0.0.1', port: 10143, security: 'auto' as const, insecure: false, user: 'user80', password: async () => 'pass', timeoutMs: 60_000 };

function up(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: 10143 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function message(i: number): Buffer {
  const words = ['post', 'horn', 'mail', 'letter', 'parcel', 'stamp', 'route', 'village', 'coach', 'rider'];
  const text = Array.from({ length: 20 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');
  return Buffer.from(
    `From: Sender ${i % 97} <s${i % 97}@example.com>\r\nTo: user80@test\r\nSubject: Message ${i} about ${words[i % 10]}\r\n` +
      `Date: ${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString()}\r\nMessage-ID: <${i}@bench.example>\r\n\r\n` +
      `${text}\r\n`.repeat(15),
  );
}

async function ensureFolder(): Promise<void> {
  const c = await ImapClient.connect(spec);
  await c.run(['CREATE', FOLDER]).catch(() => undefined);
  const sel = await select(c, FOLDER);
  if (sel.exists !== N) {
    const t = Date.now();
    if (sel.exists > 0) {
      await store(c, await search(c, ['ALL']), '+', ['\\Deleted']);
      await c.run(['EXPUNGE']);
    }
    for (let i = 0; i < N; i++) await append(c, FOLDER, i % 3 === 0 ? ['\\Seen'] : [], message(i));
    console.log(`setup_append_10k: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  await c.logout();
}

async function timed(label: string, args: string[], unit: 's' | 'ms'): Promise<void> {
  const t = process.hrtime.bigint();
  const r = await posthorn(args);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  console.log(`${label}: ${unit === 's' ? (ms / 1000).toFixed(2) : ms.toFixed(0)} ${unit}`);
}

export async function run(): Promise<void> {
  if (!(await up())) {
    console.log('skipped: Dovecot is not running on 127.0.0.1:10143');
    return;
  }
  await ensureFolder();
  const home = mkdtempSync(join(tmpdir(), 'posthorn-bench-'));
  process.env.XDG_DATA_HOME = join(home, 'data');
  process.env.XDG_CONFIG_HOME = join(home, 'config');
  process.env.POSTHORN_PASSWORD = 'pass';
  const a = ['--imap', '127.0.0.1:10143', '--user', 'user80', '--folder', FOLDER, '--timeout', '120'];
  try {
    await timed('client_sync_first_10k', ['mail', 'sync', ...a], 's');
    await timed('client_sync_again_nothing_new_10k', ['mail', 'sync', ...a], 'ms');
    const c = await ImapClient.connect(spec);
    await select(c, FOLDER);
    const [first] = await search(c, ['ALL']);
    await store(c, [first], '+', ['$BenchTouched']);
    await timed('client_sync_one_flag_changed_10k', ['mail', 'sync', ...a], 'ms');
    await store(c, [first], '-', ['$BenchTouched']);
    await c.logout();
    await timed('client_list_offline_10k', ['mail', 'list', '--offline', ...a], 'ms');
    await timed('client_list_online_10k', ['mail', 'list', ...a], 'ms');
  } finally {
    rmSync(home, { recursive: true, force: true });
    delete process.env.POSTHORN_PASSWORD;
  }
}
