/**
 * `posthorn mail list|read|save-attachments|delete|move|flag|folders|sync`: reading mail
 * over IMAP or POP3, or from the local cache when the server cannot be reached (or with
 * --offline), where changes wait for the next `mail sync` (client/source-cache.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FolderCache, accountCacheDir } from '../client/cache.js';
import { ClientError } from '../client/errors.js';
import { ImapClient } from '../client/imap.js';
import { enableSync, listFolders } from '../client/imap-mailbox.js';
import { attachmentData, formatSize, renderMessage, viewMessage } from '../client/message.js';
import * as outbox from '../client/outbox.js';
import { Pop3Client } from '../client/pop3.js';
import { resolveReading, type ConnFlags } from '../client/profile.js';
import { runAction } from '../client/run.js';
import { safeFileNames } from '../client/save.js';
import { CacheSource } from '../client/source-cache.js';
import { ImapSource } from '../client/source-imap.js';
import { Pop3Source } from '../client/source-pop3.js';
import type { MailSource, Summary } from '../client/source.js';
import { syncFolder, type SyncStats } from '../client/sync.js';
import { syncPop3 } from '../client/sync-pop3.js';
import type { Cli } from './context.js';
import { connectionOptions, flush } from './send.js';

interface MailFlags extends ConnFlags {
  imap?: string;
  pop3?: string;
  folder: string;
  offline?: boolean;
  verbose?: boolean;
}

const FLAG_NAMES: Record<string, string> = { seen: '\\Seen', answered: '\\Answered', flagged: '\\Flagged', deleted: '\\Deleted', draft: '\\Draft' };

/** 'seen' → '\Seen'; keywords ($Label1, Junk) as given (RFC 3501 §2.3.2). */
export function flagName(f: string): string {
  return FLAG_NAMES[f.replace(/^\\/, '').toLowerCase()] ?? f;
}

function numbers(ns: string[]): number[] {
  return ns.map((n) => {
    if (!/^\d+$/.test(n) || Number(n) === 0) throw new ClientError('usage', `not a message number: ${n}`);
    return Number(n);
  });
}

function common(cmd: Command): Command {
  return connectionOptions(cmd)
    .option('--imap <host:port>', 'IMAP server')
    .option('--pop3 <host:port>', 'POP3 server')
    .option('--folder <name>', 'folder (IMAP)', 'INBOX')
    .option('--offline', 'use the local cache only (changes are sent by the next mail sync)')
    .option('--verbose', 'print the protocol conversation (passwords masked)');
}

export function registerMail(program: Command, cli: Cli): void {
  const out = (line: string) => cli.io.stdout(`${line}\n`);
  const run = (fn: () => Promise<void>) => runAction(cli.io.stderr, (c) => (cli.exitCode = c), fn);
  const mail = program.command('mail').description('read mail over IMAP or POP3, or from the local cache (exit codes: 3 unreachable, 4 TLS, 5 auth, 9 no such message)');
  const trace = (dir: 'C' | 'S', line: string) => cli.io.stderr(`${dir}: ${line}\n`);

  /** Connects (or falls back to the cache) and runs `fn` on the source. */
  const withSource = async (f: MailFlags, fn: (s: MailSource) => Promise<void>) => {
    const r = resolveReading(cli.io, f);
    let source: MailSource;
    if (f.offline) source = new CacheSource(r.name);
    else {
      try {
        source = r.kind === 'imap' ? new ImapSource(await ImapClient.connect(r.spec, f.verbose ? trace : undefined)) : new Pop3Source(await Pop3Client.connect(r.spec, f.verbose ? trace : undefined));
      } catch (e) {
        if (!(e instanceof ClientError && e.kind === 'connect' && new FolderCache(r.name, f.folder).exists)) throw e;
        cli.io.stderr(`posthorn: ${e.message}\nposthorn: working offline from the local cache; changes are sent by the next mail sync\n`);
        source = new CacheSource(r.name);
      }
    }
    try {
      await fn(source);
    } finally {
      await source.close();
    }
  };

  common(mail.command('list').description('one line per message: number, date, from, subject, size, flags, @ for attachments'))
    .option('--unseen', 'only messages not yet read')
    .option('--search <text>', 'only messages containing the text')
    .action((f: MailFlags & { unseen?: boolean; search?: string }, cmd: Command) =>
      run(() =>
        withSource(f, async (s) => {
          const rows = await s.list(f.folder, { unseen: f.unseen, search: f.search });
          if (cmd.optsWithGlobals().json) out(JSON.stringify(rows.map((r) => ({ ...r, date: r.date === null ? null : new Date(r.date).toISOString() })), null, 2));
          else if (rows.length === 0) out(`no messages in ${f.folder}`);
          else rows.forEach((r) => out(listLine(r)));
        }),
      ),
    );

  common(mail.command('read <n>').description('show a message: headers, text, attachments'))
    .option('--raw', 'print the exact bytes of the message')
    .action((n: string, f: MailFlags & { raw?: boolean }) =>
      run(() =>
        withSource(f, async (s) => {
          const raw = await s.raw(f.folder, numbers([n])[0], true);
          if (f.raw) printRaw(cli, raw);
          else out(renderMessage(viewMessage(raw)).trimEnd());
        }),
      ),
    );

  common(mail.command('save-attachments <n> <dir>').description('save every attachment (uuencoded ones too) into DIR'))
    .option('--force', 'overwrite files that exist')
    .action((n: string, dir: string, f: MailFlags & { force?: boolean }) =>
      run(() =>
        withSource(f, async (s) => {
          const raw = await s.raw(f.folder, numbers([n])[0], false);
          const v = viewMessage(raw);
          if (v.attachments.length === 0) {
            out('no attachments');
            return;
          }
          mkdirSync(dir, { recursive: true });
          const names = safeFileNames(dir, v.attachments.map((a) => a.name), f.force ?? false);
          for (let i = 0; i < v.attachments.length; i++) {
            const data = attachmentData(raw, v, v.attachments[i]);
            await writeFile(names[i], data, { flag: f.force ? 'w' : 'wx' });
            out(`saved ${names[i]} (${formatSize(data.length)})`);
          }
        }),
      ),
    );

  common(mail.command('delete <n...>').description('delete messages (offline: at the next sync)')).action((ns: string[], f: MailFlags) =>
    run(() => withSource(f, async (s) => {
      await s.delete(f.folder, numbers(ns));
      out(`deleted ${ns.join(', ')}${s instanceof CacheSource ? ' (locally; sent by the next mail sync)' : ''}`);
    })),
  );

  common(mail.command('move <n...>').description('move messages to another folder'))
    .requiredOption('--to <folder>', 'target folder')
    .action((ns: string[], f: MailFlags & { to: string }) =>
      run(() => withSource(f, async (s) => {
        await s.move(f.folder, numbers(ns), f.to);
        out(`moved ${ns.join(', ')} to ${f.to}${s instanceof CacheSource ? ' (locally; sent by the next mail sync)' : ''}`);
      })),
    );

  const collect = (v: string, prev: string[]) => [...prev, v];
  common(mail.command('flag <n...>').description('set or clear flags (seen, answered, flagged, draft, or a keyword); default: --set flagged'))
    .option('--set <flag>', 'flag to set (repeatable)', collect, [])
    .option('--clear <flag>', 'flag to clear (repeatable)', collect, [])
    .action((ns: string[], f: MailFlags & { set: string[]; clear: string[] }) =>
      run(() => withSource(f, async (s) => {
        const add = (f.set.length || f.clear.length ? f.set : ['flagged']).map(flagName);
        const remove = f.clear.map(flagName);
        await s.flag(f.folder, numbers(ns), add, remove);
        out(`flagged ${ns.join(', ')}: ${[...add.map((x) => `+${x}`), ...remove.map((x) => `-${x}`)].join(' ')}${s instanceof CacheSource ? ' (locally; sent by the next mail sync)' : ''}`);
      })),
    );

  common(mail.command('folders').description('list the folders')).action((f: MailFlags) =>
    run(() => withSource(f, async (s) => (await s.folders()).forEach((name) => out(name)))),
  );

  common(mail.command('sync').description('update the local cache both ways (and send the outbox)'))
    .option('--all', 'every folder, not only --folder')
    .option('--keep', 'POP3: leave mail on the server and remember what was fetched')
    .action((f: MailFlags & { all?: boolean; keep?: boolean }) => run(() => sync(cli, f)));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The exact bytes: as text when they are valid UTF-8 (which round-trips), else as bytes. */
function printRaw(cli: Cli, raw: Buffer): void {
  let text: string | null = null;
  try {
    text = strictUtf8.decode(raw);
  } catch {
    text = null;
  }
  if (text !== null) cli.io.stdout(text);
  else process.stdout.write(raw);
}

function listLine(r: Summary): string {
  const d = r.date === null ? '????-??-?? ??:??' : new Date(r.date).toISOString().slice(0, 16).replace('T', ' ');
  const flags = `${r.flags.includes('\\Seen') ? ' ' : 'N'}${r.flags.includes('\\Flagged') ? 'F' : ' '}${r.flags.includes('\\Answered') ? 'R' : ' '}`;
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
  return `${String(r.n).padStart(5)} ${flags} ${d}  ${cut(r.from, 28)}  ${cut(r.subject, 40)} ${formatSize(r.size).padStart(8)}${r.attachment ? ' @' : ''}`;
}

async function sync(cli: Cli, f: MailFlags & { all?: boolean; keep?: boolean }): Promise<void> {
  const out = (line: string) => cli.io.stdout(`${line}\n`);
  const r = resolveReading(cli.io, f);
  const tty = process.stderr.isTTY === true;
  const progress = (folder: string, done: number, total: number) => {
    if (tty) cli.io.stderr(`\r${folder}: ${'#'.repeat(Math.round((done / total) * 30)).padEnd(30, '.')} ${done}/${total}${done === total ? '\n' : ''}`);
    else cli.io.stderr(`${folder}: ${done}/${total} downloaded\n`);
  };
  const trace = f.verbose ? (dir: 'C' | 'S', line: string) => cli.io.stderr(`${dir}: ${line}\n`) : undefined;
  const results: SyncStats[] = [];
  if (r.kind === 'pop3') {
    const c = await Pop3Client.connect(r.spec, trace);
    try {
      results.push(await syncPop3(c, r.name, f.keep ?? false, progress));
    } finally {
      await c.quit();
    }
    mkdirSync(accountCacheDir(r.name), { recursive: true });
    writeFileSync(join(accountCacheDir(r.name), 'folders.json'), JSON.stringify(['INBOX']));
  } else {
    const c = await ImapClient.connect(r.spec, trace);
    try {
      const mode = await enableSync(c);
      const all = (await listFolders(c)).filter((x) => !x.flags.some((y) => y.toLowerCase() === '\\noselect')).map((x) => x.name);
      mkdirSync(accountCacheDir(r.name), { recursive: true });
      writeFileSync(join(accountCacheDir(r.name), 'folders.json'), JSON.stringify(all));
      for (const folder of f.all ? all : [f.folder]) results.push(await syncFolder(c, r.name, folder, mode, progress));
    } finally {
      await c.logout();
    }
  }
  for (const s of results) {
    out(`${s.folder}: ${s.downloaded} new, ${s.removedHere} removed here, ${s.flagsFromServer} flag changes from the server, ${s.flagsToServer} flag changes sent, ${s.deletedOnServer} deleted and ${s.movedOnServer} moved on the server`);
  }
  if (outbox.pending().length > 0 && r.account?.smtp) await flush(cli, { ...f, account: r.account ? r.name : undefined });
}
