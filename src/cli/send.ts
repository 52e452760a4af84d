/**
 * `posthorn send`: compose (client/compose.ts) and submit (client/smtp.ts) one message, or
 * `--flush` the offline outbox. A message that cannot reach the server is kept in the outbox
 * (exit 75); every other failure exits with its own code (client/errors.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { compose } from '../client/compose.js';
import { ClientError } from '../client/errors.js';
import * as outbox from '../client/outbox.js';
import { resolveSending, type ConnFlags } from '../client/profile.js';
import { runAction } from '../client/run.js';
import { SmtpClient, type SubmitResult } from '../client/smtp.js';
import type { Cli } from './context.js';

interface SendFlags extends ConnFlags {
  from?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject?: string;
  attach: string[];
  body?: string;
  html?: string;
  replyTo?: string;
  inReplyTo?: string;
  server?: string;
  verbose?: boolean;
  flush?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Connection flags shared by `send` and `mail`. */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--account <name>', 'profile from accounts.toml')
    .option('--user <user>', 'login name')
    .option('--password-stdin', 'read the password from standard input')
    .option('--tls', 'implicit TLS (ports 465, 993, 995)')
    .option('--starttls', 'require STARTTLS')
    .option('--insecure', 'accept a certificate that does not verify')
    .option('--timeout <seconds>', 'connect and read timeout', '30');
}

export function registerSend(program: Command, cli: Cli): void {
  const send = program
    .command('send')
    .description('compose and send a message (exit codes: 3 unreachable, 4 TLS, 5 auth, 6 recipient refused, 7 too big, 75 queued in the outbox)')
    .option('--from <addr>', 'sender (default: the account address)')
    .option('--to <addr>', 'recipient (repeatable, or a comma list)', collect, [])
    .option('--cc <addr>', 'copy recipient (repeatable)', collect, [])
    .option('--bcc <addr>', 'blind copy: envelope only, never in the header (repeatable)', collect, [])
    .option('--subject <text>', 'subject', '')
    .option('--attach <file>', 'attach a file (repeatable)', collect, [])
    .option('--body <file>', 'text body from a file, or - for standard input (default: $EDITOR)')
    .option('--html <file>', 'add an HTML alternative')
    .option('--reply-to <addr>', 'Reply-To header')
    .option('--in-reply-to <message-id>', 'In-Reply-To and References headers')
    .option('--server <host:port>', 'submission server')
    .option('--verbose', 'print the SMTP conversation (AUTH masked)')
    .option('--flush', 'send what waits in the outbox');
  connectionOptions(send).action((f: SendFlags) => runAction(cli.io.stderr, (c) => (cli.exitCode = c), () => (f.flush ? flush(cli, f) : sendOne(cli, f))));
}

async function bodyText(cli: Cli, f: SendFlags): Promise<string> {
  if (f.body === '-') return cli.io.readStdin();
  if (f.body) return readFileSync(f.body, 'utf8');
  if (!process.stdin.isTTY) return cli.io.readStdin();
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-'));
  const file = join(dir, 'message.txt');
  writeFileSync(file, '');
  try {
    const r = spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit' });
    if (r.status !== 0) throw new ClientError('usage', `${editor} exited with ${r.status}; nothing sent`);
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tracer = (cli: Cli) => (dir: 'C' | 'S', line: string) => cli.io.stderr(`${dir}: ${line}\n`);

async function sendOne(cli: Cli, f: SendFlags): Promise<void> {
  if (f.passwordStdin && (f.body === '-' || (!f.body && !process.stdin.isTTY))) throw new ClientError('usage', '--password-stdin and a body on standard input cannot both be used');
  const r = resolveSending(cli.io, f);
  const from = f.from ?? r.account?.address;
  if (!from) throw new ClientError('usage', 'no sender: give --from or --account');
  const split = (l: string[]) => l.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
  const msg = await compose({
    from,
    to: split(f.to),
    cc: split(f.cc),
    bcc: split(f.bcc),
    subject: f.subject ?? '',
    text: await bodyText(cli, f),
    html: f.html ? readFileSync(f.html, 'utf8') : undefined,
    replyTo: f.replyTo,
    inReplyTo: f.inReplyTo,
    attachments: f.attach,
  });
  let client: SmtpClient;
  try {
    client = await SmtpClient.connect(r.spec, f.verbose ? tracer(cli) : undefined);
  } catch (e) {
    if (e instanceof ClientError && e.kind === 'connect') {
      const q = outbox.enqueue({ account: r.account ? r.name : null, from: msg.from, recipients: msg.recipients, lastError: e.message }, msg.raw);
      throw new ClientError('queued', `${e.message}\nthe message is kept in the outbox as ${q.id}; \`posthorn send --flush\` or \`posthorn mail sync\` sends it`);
    }
    throw e;
  }
  try {
    report(cli, await client.submit(msg.from, msg.recipients, msg.raw), msg.messageId);
  } finally {
    await client.quit();
  }
}

function report(cli: Cli, res: SubmitResult, messageId: string): void {
  const out = (line: string) => cli.io.stdout(`${line}\n`);
  for (const r of res.recipients) out(`${r.ok ? 'accepted' : 'REFUSED '} ${r.address}: ${r.reply}`);
  out(`sent ${messageId}: ${res.final ?? ''}`);
  const refused = res.recipients.filter((r) => !r.ok);
  if (refused.length) throw new ClientError('recipient', `${refused.length} recipient(s) refused: ${refused.map((r) => `${r.address} (${r.reply})`).join(', ')}`);
}

/** Sends every outbox entry; keeps those that fail, with their error. */
export async function flush(cli: Cli, f: ConnFlags & { server?: string; verbose?: boolean }): Promise<void> {
  const out = (line: string) => cli.io.stdout(`${line}\n`);
  const entries = outbox.pending();
  if (entries.length === 0) {
    out('outbox is empty');
    return;
  }
  let failed = 0;
  for (const e of entries) {
    try {
      const r = resolveSending(cli.io, { ...f, account: f.account ?? e.account ?? undefined });
      const client = await SmtpClient.connect(r.spec, f.verbose ? tracer(cli) : undefined);
      try {
        const res = await client.submit(e.from, e.recipients, outbox.message(e));
        outbox.remove(e);
        out(`sent ${e.id} to ${res.recipients.filter((x) => x.ok).map((x) => x.address).join(', ')}`);
      } finally {
        await client.quit();
      }
    } catch (err) {
      failed++;
      const text = (err as Error).message;
      outbox.noteFailure(e, text);
      cli.io.stderr(`kept ${e.id} in the outbox: ${text}\n`);
    }
  }
  if (failed) throw new ClientError('queued', `${failed} message(s) remain in the outbox`);
}
