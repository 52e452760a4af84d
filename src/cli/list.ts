/**
 * `posthorn list create|add|remove|show|list|delete`: mailing lists, each with an owner,
 * members and a posting policy (members only, anyone, or moderated by the owner).
 */
import { Option, type Command } from 'commander';
import { UserError } from '../lib/errors.js';
import type { MailingList, PostingPolicy } from '../store/types.js';
import * as arg from './args.js';
import { emit, withStore, type Cli } from './context.js';

const describe = (l: MailingList) => [
  `list:    ${l.address}`,
  `owner:   ${l.owner}`,
  `posting: ${l.posting}`,
  `members: ${l.members.length}`,
  ...l.members.map((m) => `  ${m}`),
];

export function listCommands(program: Command, cli: Cli): void {
  const group = program.command('list').description('mailing lists');

  group.command('create').argument('<list>', 'the list address, e.g. team@example.org')
    .requiredOption('--owner <address>', 'who administers the list and receives its bounces')
    .addOption(new Option('--posting <policy>', 'who may post').choices(['members', 'anyone', 'moderated']).default('members'))
    .description('create a mailing list')
    .action((list: string, o: { owner: string; posting: PostingPolicy }, cmd: Command) => {
      arg.address(list, 'list address');
      arg.address(o.owner, 'owner address');
      return withStore(cli, cmd, async (store, g) => {
        const l = await store.directory.createList({ address: list, owner: o.owner, posting: o.posting });
        emit(cli, g, l, () => [`created list ${l.address} (owner ${l.owner}, posting: ${l.posting})`]);
      });
    });

  group.command('add').argument('<list>').argument('<member...>', 'member addresses').description('add members')
    .action((list: string, members: string[], _o: unknown, cmd: Command) => {
      for (const m of members) arg.address(m, 'member address');
      return withStore(cli, cmd, async (store, g) => {
        await mustExist(store.directory.getList(arg.address(list, 'list address')), list);
        await store.directory.addListMembers(list, members);
        const l = await mustExist(store.directory.getList(list), list);
        emit(cli, g, l, () => [`${l.address}: ${l.members.length} members`]);
      });
    });

  group.command('remove').argument('<list>').argument('<member...>', 'member addresses').description('remove members')
    .action((list: string, members: string[], _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      await mustExist(store.directory.getList(arg.address(list, 'list address')), list);
      await store.directory.removeListMembers(list, members);
      const l = await mustExist(store.directory.getList(list), list);
      emit(cli, g, l, () => [`${l.address}: ${l.members.length} members`]);
    }));

  group.command('show').argument('<list>').description('show a list with its members')
    .action((list: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const l = await mustExist(store.directory.getList(arg.address(list, 'list address')), list);
      emit(cli, g, l, () => describe(l));
    }));

  group.command('list').description('list the mailing lists')
    .action((_o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const all = await store.directory.listLists();
      emit(cli, g, all, () => all.map((l) => `${l.address} (${l.members.length} members, posting: ${l.posting})`));
    }));

  group.command('delete').argument('<list>').description('delete a mailing list')
    .action((list: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      await mustExist(store.directory.getList(arg.address(list, 'list address')), list);
      await store.directory.removeList(list);
      emit(cli, g, { removed: list }, () => [`deleted list ${list}`]);
    }));
}

async function mustExist(p: Promise<MailingList | null>, address: string): Promise<MailingList> {
  const l = await p;
  if (!l) throw new UserError(`no such list: ${address}`, 'not-found');
  return l;
}
