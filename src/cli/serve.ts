/**
 * `posthorn serve`: loads the configuration (with the listener flags of INTERFACE.md), starts
 * every configured listener through app/, prints one line per listener and runs until
 * SIGTERM/SIGINT, then closes everything and exits 0.
 */
import type { Command } from 'commander';
import { startApp, watchSignals } from '../app/run.js';
import { createLogger } from '../lib/log.js';
import { addConfigFlags, configOverrides } from './config.js';
import { configFor, type Cli } from './context.js';

export function serveCommand(program: Command, cli: Cli): void {
  addConfigFlags(program.command('serve').description('run the mail servers: every listener that is configured'))
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      const c = configFor(cli, cmd, configOverrides(o));
      const log = createLogger(c.config.log.level);
      const signals = cli.deps.onServing ? null : watchSignals();
      try {
        const app = await startApp({
          config: c.config,
          dataDir: c.dataDir,
          log,
          out: (line) => cli.io.stdout(line + '\n'),
          starters: cli.deps.starters,
          openStore: cli.deps.openStore,
        });
        log.info({ data: c.dataDir, config: c.file, servers: app.servers.map((s) => s.name) }, 'posthorn serving');
        const onServing = cli.deps.onServing;
        if (onServing) await new Promise<void>((resolve) => onServing(() => app.close().then(resolve)));
        else {
          const signal = await signals!.received;
          log.info({ signal }, 'stopping');
          await app.close();
        }
        cli.exitCode = 0;
      } finally {
        signals?.dispose();
      }
      log.flush();
    });
}
