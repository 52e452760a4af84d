/**
 * `posthorn user add|passwd|remove|show|list`: mail accounts. Passwords are hashed with
 * argon2id (auth/password) and checked for strength first; the hash never leaves the store.
 */
import { Option, type Command } from 'commander';
import { hashPassword } from '../auth/password.js';
import { UserError } from '../lib/errors.js';
import type { Account } from '../store/types.js';
import * as arg from './args.js';
import { emit, withStore, type Cli } from './context.js';

export const accountView = (a: Account) => ({
  address: a.address,
  quota: a.quota,
  apop: a.apopSecret !== null,
  createdAt: new Date(a.createdAt).toISOString(),
});

const passwordOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('--password <pw>', 'the password (visible in the process list: prefer --password-stdin)').conflicts('passwordStdin'))
    .option('--password-stdin', 'read the password from standard input');

export function userCommands(program: Command, cli: Cli): void {
  const group = program.command('user').description('mail accounts');

  passwordOptions(group.command('add').argument('<address>', 'e.g. alice@example.org').description('add an account (its domain must exist)'))
    .option('--quota <bytes>', 'mailbox quota in octets, or with a unit: 500M, 2G (default: unlimited)')
    .option('--apop-secret <secret>', 'shared secret for APOP / CRAM-MD5 (off unless given)')
    .action(async (address: string, o: { password?: string; passwordStdin?: boolean; quota?: string; apopSecret?: string }, cmd: Command) => {
      arg.address(address);
      const quota = arg.quota(o.quota);
      const passwordHash = await hashPassword(await arg.newPassword(cli, o));
      return withStore(cli, cmd, async (store, g) => {
        const a = await store.directory.addAccount({ address, passwordHash, apopSecret: o.apopSecret ?? null, quota: quota ?? null });
        emit(cli, g, accountView(a), () => [`added user ${a.address}`]);
      });
    });

  passwordOptions(group.command('passwd').argument('<address>').description('set a new password'))
    .action(async (address: string, o: { password?: string; passwordStdin?: boolean }, cmd: Command) => {
      arg.address(address);
      const passwordHash = await hashPassword(await arg.newPassword(cli, o));
      return withStore(cli, cmd, async (store, g) => {
        await mustExist(store.directory.getAccount(address), address);
        const a = await store.directory.updateAccount(address, { passwordHash });
        emit(cli, g, accountView(a), () => [`password changed for ${a.address}`]);
      });
    });

  group.command('remove').argument('<address>').description('remove an account with all its mailboxes and messages')
    .action((address: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      await mustExist(store.directory.getAccount(arg.address(address)), address);
      await store.directory.removeAccount(address);
      emit(cli, g, { removed: address }, () => [`removed user ${address}`]);
    }));

  group.command('show').argument('<address>').description('show an account, its quota use and mailboxes')
    .action((address: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const a = await mustExist(store.directory.getAccount(arg.address(address)), address);
      const usage = await store.mail.quotaUsage(a.id);
      const mailboxes = (await store.mail.listMailboxes(a.id)).map((m) => m.name).sort((x, y) => Number(y === 'INBOX') - Number(x === 'INBOX') || x.localeCompare(y));
      const data = { ...accountView(a), usage, mailboxes };
      emit(cli, g, data, () => [
        `address:   ${a.address}`,
        `quota:     ${a.quota === null ? 'unlimited' : `${a.quota} octets`}`,
        `used:      ${usage.bytes} octets in ${usage.messages} messages`,
        `apop:      ${data.apop ? 'on' : 'off'}`,
        `mailboxes: ${mailboxes.join(', ')}`,
        `created:   ${data.createdAt}`,
      ]);
    }));

  group.command('list').argument('[domain]', 'only the accounts of this domain').description('list accounts')
    .action((domain: string | undefined, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const list = await store.directory.listAccounts(domain === undefined ? undefined : arg.domain(domain));
      emit(cli, g, list.map(accountView), () => list.map((a) => a.address));
    }));
}

async function mustExist(p: Promise<Account | null>, address: string): Promise<Account> {
  const a = await p;
  if (!a) throw new UserError(`no such user: ${address}`, 'not-found');
  return a;
}
