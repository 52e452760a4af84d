/**
 * A private Postfix instance (own config, queue and log under a temp folder) for interop
 * tests and the relay bench: smtpd on a free loopback port, relaying everything to
 * `relayTo`. Needs Debian's postfix and root (Postfix drops to its own user); `available()`
 * says whether it can run here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostfixInstance {
  smtpdPort: number;
  dir: string;
  etc: string;
  /** Rewrites main.cf with extra lines and reloads. */
  reconfigure(extra: string[]): Promise<void>;
  /** The log so far. */
  log(): Promise<string>;
  /** Deliveries logged with status=sent. */
  sent(): Promise<number>;
  stop(): Promise<void>;
}

export function postfixAvailable(): boolean {
  return existsSync('/usr/sbin/postfix') && process.getuid?.() === 0 && spawnSync('id', ['-u', 'postfix']).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostfix(opts: { relayTo: number; relayAddress?: string; extra?: string[] }): Promise<PostfixInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'pf-'));
  await chmod(dir, 0o755);
  const smtpdPort = await freePort();
  const etc = join(dir, 'etc');
  await Promise.all(['etc', 'spool', 'data'].map((d) => mkdir(join(dir, d))));
  const uid = Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('getent', ['group', 'postdrop'], { encoding: 'utf8' }).stdout.split(':')[2]);
  await chown(join(dir, 'data'), uid, -1);
  // The queue folders `postfix check` would make (it takes seconds; this takes none).
  const spool = join(dir, 'spool');
  for (const d of ['active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold', 'incoming', 'private', 'saved', 'trace']) {
    await mkdir(join(spool, d), { mode: 0o700 });
    await chown(join(spool, d), uid, -1);
  }
  for (const [d, mode] of [['maildrop', 0o730], ['public', 0o710]] as const) {
    await mkdir(join(spool, d));
    await chmod(join(spool, d), mode);
    await chown(join(spool, d), uid, gid);
  }
  await mkdir(join(spool, 'pid'), { mode: 0o755 });
  const masterCf = (await readFile('/etc/postfix/master.cf', 'utf8'))
    .replace(/^smtp\s+inet\s.*$/m, `127.0.0.1:${smtpdPort} inet n - n - - smtpd`)
    .replace(/^(\S+\s+(?:unix|unix-dgram|fifo|pass)\s+\S+\s+\S+\s+)y/gm, '$1n');
  await writeFile(join(etc, 'master.cf'), masterCf);
  const main = (extra: string[]) => [
    'compatibility_level = 3.6', `queue_directory = ${join(dir, 'spool')}`, `data_directory = ${join(dir, 'data')}`,
    'mail_owner = postfix', 'setgid_group = postdrop', 'myhostname = postfix.test', 'mydestination =', 'local_recipient_maps =',
    'alias_maps =', 'alias_database =', 'inet_interfaces = 127.0.0.1', 'inet_protocols = ipv4', `smtp_bind_address = ${opts.relayAddress ?? '127.0.0.1'}`,
    'mynetworks = 127.0.0.0/8', 'smtpd_relay_restrictions = permit_mynetworks, reject', 'disable_dns_lookups = yes',
    'smtp_dns_support_level = disabled', `relayhost = [${opts.relayAddress ?? '127.0.0.1'}]:${opts.relayTo}`, 'default_destination_concurrency_limit = 20',
    `maillog_file = ${join(dir, 'postfix.log')}`, `maillog_file_prefixes = ${dir}`, ...extra, '',
  ].join('\n');
  const pf = (...args: string[]) => spawnSync('/usr/sbin/postfix', ['-c', etc, ...args], { encoding: 'utf8' });
  await writeFile(join(etc, 'main.cf'), main(opts.extra ?? []));
  // master -w returns once the daemons are up; `postfix start` would add seconds of checks.
  const master = existsSync('/usr/lib/postfix/sbin/master') ? spawnSync('/usr/lib/postfix/sbin/master', ['-c', etc, '-w'], { encoding: 'utf8' }) : pf('start');
  if (master.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error('postfix did not start');
  }
  const log = () => readFile(join(dir, 'postfix.log'), 'utf8').catch(() => '');
  return {
    smtpdPort, dir, etc, log,
    async reconfigure(extra) {
      await writeFile(join(etc, 'main.cf'), main(extra));
      pf('reload');
      await new Promise((r) => setTimeout(r, 300));
    },
    sent: async () => ((await log()).match(/status=sent/g) ?? []).length,
    async stop() {
      pf('stop');
      await new Promise((r) => setTimeout(r, 200));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
