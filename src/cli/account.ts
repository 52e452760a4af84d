/**
 * `posthorn account add|list|remove|autoconfig`: the client's profiles in
 * $XDG_CONFIG_HOME/posthorn/accounts.toml (client/accounts.ts). Passwords are never taken
 * from a flag: --password-stdin stores one (file mode 0600), --password-command and
 * --password-env store how to get it.
 */
import type { Command } from 'commander';
import { loadAccounts, saveAccounts, type Account } from '../client/accounts.js';
import { discover } from '../client/autoconfig.js';
import { parseHostPort } from '../client/endpoint.js';
import { ClientError } from '../client/errors.js';
import { runAction } from '../client/run.js';
import type { Cli } from './context.js';

interface AddFlags {
  address: string;
  user?: string;
  smtp?: string;
  imap?: string;
  pop3?: string;
  tls?: boolean;
  starttls?: boolean;
  insecure?: boolean;
  passwordStdin?: boolean;
  passwordCommand?: string;
  passwordEnv?: string;
  default?: boolean;
}

export function registerAccount(program: Command, cli: Cli): void {
  const out = (line: string) => cli.io.stdout(`${line}\n`);
  const run = (fn: () => Promise<void>) => runAction(cli.io.stderr, (c) => (cli.exitCode = c), fn);
  const account = program.command('account').description('mail client profiles (servers, login, how to get the password)');

  account
    .command('add <name>')
    .description('add or replace a profile')
    .requiredOption('--address <addr>', 'your mail address')
    .option('--user <user>', 'login name (default: the address)')
    .option('--smtp <host:port>', 'submission server')
    .option('--imap <host:port>', 'IMAP server')
    .option('--pop3 <host:port>', 'POP3 server')
    .option('--tls', 'implicit TLS for every server')
    .option('--starttls', 'require STARTTLS for every server')
    .option('--insecure', 'accept certificates that do not verify')
    .option('--password-stdin', 'read the password from standard input and store it (file mode 0600)')
    .option('--password-command <cmd>', 'shell command that prints the password')
    .option('--password-env <var>', 'environment variable that holds the password')
    .option('--default', 'use this profile when --account is not given')
    .action((name: string, f: AddFlags) => run(() => add(cli, name, f)));

  account
    .command('list')
    .description('list profiles (never shows passwords)')
    .action((_o: unknown, cmd: Command) => run(async () => list(cli, Boolean(cmd.optsWithGlobals().json))));

  account
    .command('remove <name>')
    .description('remove a profile')
    .action((name: string) =>
      run(async () => {
        const all = loadAccounts();
        if (!all.delete(name)) throw new ClientError('usage', `no account named ${name}`);
        saveAccounts(all);
        out(`removed account ${name}`);
      }),
    );

  account
    .command('autoconfig <address>')
    .description('find the servers of an address (DNS SRV, RFC 6186; Thunderbird autoconfig)')
    .option('--save <name>', 'store what was found as a profile')
    .option('--autoconfig-url <url>', 'where to look for config-v1.1.xml instead of https://autoconfig.DOMAIN')
    .option('--dns <host:port>', 'DNS server to ask')
    .action((address: string, f: { save?: string; autoconfigUrl?: string; dns?: string }, cmd: Command) =>
      run(async () => {
        const d = await discover(address, { base: f.autoconfigUrl, dnsServer: f.dns });
        if (!d.smtp && !d.imap && !d.pop3) throw new ClientError('not-found', `found no mail servers for ${address}`);
        if (cmd.optsWithGlobals().json) out(JSON.stringify(d, null, 2));
        else {
          for (const k of ['smtp', 'imap', 'pop3'] as const) {
            const s = d[k];
            if (s) out(`${k.padEnd(5)} ${s.host}:${s.port} (${s.security})`);
          }
          if (d.user) out(`user  ${d.user}`);
          out(`from  ${d.source.join(', ')}`);
        }
        if (f.save) {
          const all = loadAccounts();
          const a: Account = { address, user: d.user };
          if (d.smtp) Object.assign(a, { smtp: `${d.smtp.host}:${d.smtp.port}`, smtp_security: d.smtp.security });
          if (d.imap) Object.assign(a, { imap: `${d.imap.host}:${d.imap.port}`, imap_security: d.imap.security });
          else if (d.pop3) Object.assign(a, { pop3: `${d.pop3.host}:${d.pop3.port}`, pop3_security: d.pop3.security });
          all.set(f.save, a);
          saveAccounts(all);
          out(`saved account ${f.save}`);
        }
      }),
    );
}

async function add(cli: Cli, name: string, f: AddFlags): Promise<void> {
  if (f.imap && f.pop3) throw new ClientError('usage', 'give --imap or --pop3, not both');
  if (f.tls && f.starttls) throw new ClientError('usage', 'give --tls or --starttls, not both');
  for (const s of [f.smtp, f.imap, f.pop3]) if (s) parseHostPort(s, 1);
  const sec = f.tls ? 'tls' : f.starttls ? 'starttls' : undefined;
  const all = loadAccounts();
  const a: Account = { address: f.address, user: f.user, smtp: f.smtp, imap: f.imap, pop3: f.pop3 };
  if (sec) {
    if (f.smtp) a.smtp_security = sec;
    if (f.imap) a.imap_security = sec;
    if (f.pop3) a.pop3_security = sec;
  }
  if (f.insecure) a.insecure = true;
  if (f.passwordStdin) a.password = (await cli.io.readStdin()).replace(/\r?\n$/, '');
  if (f.passwordCommand) a.password_command = f.passwordCommand;
  if (f.passwordEnv) a.password_env = f.passwordEnv;
  if (f.default) {
    for (const other of all.values()) delete other.default;
    a.default = true;
  }
  all.set(name, a);
  saveAccounts(all);
  cli.io.stdout(`saved account ${name}\n`);
}

function list(cli: Cli, json: boolean): void {
  const out = (line: string) => cli.io.stdout(`${line}\n`);
  const all = loadAccounts();
  const rows = [...all].map(([name, a]) => ({
    name,
    address: a.address,
    user: a.user ?? a.address,
    smtp: a.smtp ?? null,
    imap: a.imap ?? null,
    pop3: a.pop3 ?? null,
    default: a.default ?? false,
    password: a.password ? 'stored' : a.password_command ? 'command' : a.password_env ? `env ${a.password_env}` : 'none',
  }));
  if (json) {
    out(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) out('no accounts (posthorn account add NAME --address ADDR …)');
  for (const r of rows) {
    const reading = r.imap ? `imap ${r.imap}` : r.pop3 ? `pop3 ${r.pop3}` : '-';
    out(`${r.default ? '*' : ' '} ${r.name}  ${r.address}  smtp ${r.smtp ?? '-'}  ${reading}  password: ${r.password}`);
  }
}
