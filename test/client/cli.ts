/** The `posthorn` program with the client command groups, as src/cli/main.ts will wire them:
 *  tests run it as a child process (node --import tsx test/client/cli.ts …). */
import { Command } from 'commander';
import { registerAccount } from '../../src/cli/account.js';
import { registerSend } from '../../src/cli/send.js';

const program = new Command('posthorn')
  .option('--data <dir>', 'data folder', './data')
  .option('--config <file>', 'configuration file (TOML)')
  .option('--json', 'machine-readable output');
registerAccount(program);
registerSend(program);
await program.parseAsync(process.argv);
