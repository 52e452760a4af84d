/**
 * `posthorn alias add|remove|list` and `posthorn forward add|remove|list`: addresses that
 * deliver elsewhere. An alias source is an address or '@domain' (the catch-all); a forward
 * marks a moved user (RCPT gets 251 and the mail is relayed to the new address).
 */
import type { Command } from 'commander';
import { canonicalAddress } from '../lib/address.js';
import { UserError } from '../lib/errors.js';
import * as arg from './args.js';
import { emit, withStore, type Cli } from './context.js';

export function aliasCommands(program: Command, cli: Cli): void {
  const group = program.command('alias').description('aliases: one address delivered to others (@domain: catch-all)');

  group.command('add').argument('<source>', 'address or @domain').argument('<target...>', 'addresses to deliver to')
    .description('add targets to an alias (creating it)')
    .action((source: string, targets: string[], _o: unknown, cmd: Command) => {
      arg.aliasSource(source);
      for (const t of targets) arg.address(t, 'target address');
      return withStore(cli, cmd, async (store, g) => {
        await store.directory.addAlias(source, targets);
        emit(cli, g, { source, targets }, () => [`${source} → ${targets.join(', ')}`]);
      });
    });

  group.command('remove').argument('<source>', 'address or @domain').argument('[target...]', 'targets to drop (none: the whole alias)')
    .description('remove targets of an alias, or the whole alias')
    .action((source: string, targets: string[], _o: unknown, cmd: Command) => {
      arg.aliasSource(source);
      return withStore(cli, cmd, async (store, g) => {
        const key = canonicalAddress(source) ?? source.toLowerCase();
        const existing = (await store.directory.listAliases()).find((a) => (canonicalAddress(a.source) ?? a.source.toLowerCase()) === key);
        if (!existing) throw new UserError(`no such alias: ${source}`, 'not-found');
        await store.directory.removeAlias(source, targets.length > 0 ? targets : undefined);
        emit(cli, g, { source, removed: targets.length > 0 ? targets : existing.targets }, () => [
          targets.length > 0 ? `removed ${targets.join(', ')} from ${source}` : `removed alias ${source}`,
        ]);
      });
    });

  group.command('list').description('list aliases')
    .action((_o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const list = await store.directory.listAliases();
      emit(cli, g, list, () => list.map((a) => `${a.source} → ${a.targets.join(', ')}`));
    }));
}

export function forwardCommands(program: Command, cli: Cli): void {
  const group = program.command('forward').description('forwards: a moved user, answered with 251 and relayed');

  group.command('add').argument('<address>', 'the old address').argument('<new-address>', 'where mail goes now')
    .description('forward an address to a new one')
    .action((address: string, to: string, _o: unknown, cmd: Command) => {
      arg.address(address);
      arg.address(to, 'new address');
      return withStore(cli, cmd, async (store, g) => {
        await store.directory.addForward(address, to);
        emit(cli, g, { address, to }, () => [`${address} → ${to}`]);
      });
    });

  group.command('remove').argument('<address>').argument('[new-address]', 'checked against the forward, if given')
    .description('remove a forward')
    .action((address: string, to: string | undefined, _o: unknown, cmd: Command) => {
      arg.address(address);
      return withStore(cli, cmd, async (store, g) => {
        const key = canonicalAddress(address);
        const existing = (await store.directory.listForwards()).find((f) => canonicalAddress(f.address) === key);
        if (!existing) throw new UserError(`no such forward: ${address}`, 'not-found');
        if (to !== undefined && canonicalAddress(to) !== canonicalAddress(existing.to)) {
          throw new UserError(`${address} forwards to ${existing.to}, not ${to}`, 'not-found');
        }
        await store.directory.removeForward(address);
        emit(cli, g, { removed: existing }, () => [`removed forward ${existing.address} → ${existing.to}`]);
      });
    });

  group.command('list').description('list forwards')
    .action((_o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const list = await store.directory.listForwards();
      emit(cli, g, list, () => list.map((f) => `${f.address} → ${f.to}`));
    }));
}
