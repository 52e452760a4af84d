#!/usr/bin/env node
/** The `posthorn` command: administration, the servers and the mail client. */
import { Command } from 'commander';

const program = new Command('posthorn')
  .description('Posthorn: a complete Internet mail system')
  .option('--data <dir>', 'where the store, blobs, TLS keys and posthorn.toml live', process.env.POSTHORN_DATA ?? './data')
  .option('--config <file>', 'configuration file (TOML)')
  .option('--json', 'machine-readable output');

await program.parseAsync(process.argv);
