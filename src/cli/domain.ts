/** `posthorn domain add|list|remove NAME`: the domains this server receives mail for. */
import type { Command } from 'commander';
import type { Domain } from '../store/types.js';
import * as arg from './args.js';
import { emit, withStore, type Cli } from './context.js';

const view = (d: Domain) => ({ name: d.name, createdAt: new Date(d.createdAt).toISOString() });

export function domainCommands(program: Command, cli: Cli): void {
  const group = program.command('domain').description('local mail domains');

  group.command('add').argument('<name>', 'domain name, e.g. example.org').description('add a local domain')
    .action((name: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const d = await store.directory.addDomain(arg.domain(name));
      emit(cli, g, view(d), () => [`added domain ${d.name}`]);
    }));

  group.command('list').description('list the local domains')
    .action((_o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const list = await store.directory.listDomains();
      emit(cli, g, list.map(view), () => list.map((d) => d.name));
    }));

  group.command('remove').argument('<name>', 'domain name').description('remove a domain that has no users, aliases or lists left')
    .action((name: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      await store.directory.removeDomain(arg.domain(name));
      emit(cli, g, { removed: name }, () => [`removed domain ${name}`]);
    }));
}
