/**
 * The `posthorn` command tree and how it ends: exit code 0 on success, 1 for an error the
 * user can fix (UserError, ConfigError: the message is printed, no stack trace), 2 for a
 * usage error (unknown command or option, missing argument), 70 for an internal error
 * (a bug: printed with its stack).
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../lib/errors.js';
import { aliasCommands, forwardCommands } from './alias.js';
import { configCommands } from './config.js';
import { UsageError, type Cli, type CliDeps, type CliIo } from './context.js';
import { domainCommands } from './domain.js';
import { listCommands } from './list.js';
import { serveCommand } from './serve.js';
import { userCommands } from './user.js';
import { queueCommands } from './queue.js';
import { dkimCommands } from './dkim.js';
import { doctorCommands } from './doctor.js';
import { registerAccount } from './account.js';
import { registerSend } from './send.js';
import { registerMail } from './mail.js';

export const EXIT = { ok: 0, user: 1, usage: 2, internal: 70 } as const;

export function buildProgram(cli: Cli): Command {
  const program = new Command('posthorn')
    .description('Posthorn: a complete Internet mail system')
    .option('--data <dir>', 'where the store, blobs, TLS keys and posthorn.toml live (env POSTHORN_DATA, default ./data)')
    .option('--config <file>', 'configuration file, TOML (env POSTHORN_CONFIG, default DATA/posthorn.toml)')
    .option('--json', 'machine-readable output')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (s) => cli.io.stdout(s), writeErr: (s) => cli.io.stderr(s) });
  domainCommands(program, cli);
  userCommands(program, cli);
  aliasCommands(program, cli);
  forwardCommands(program, cli);
  listCommands(program, cli);
  configCommands(program, cli);
  queueCommands(program, cli);
  dkimCommands(program, cli);
  doctorCommands(program, cli);
  serveCommand(program, cli);
  // the mail client
  registerAccount(program, cli);
  registerSend(program, cli);
  registerMail(program, cli);
  return program;
}

/** Runs one command line (without the node and script arguments); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const cli: Cli = { io, deps };
  const program = buildProgram(cli);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return cli.exitCode ?? EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof UsageError) {
      io.stderr(`posthorn: ${e.message} (see --help)\n`);
      return EXIT.usage;
    }
    if (e instanceof UserError) {
      io.stderr(`posthorn: ${e.message}\n`);
      return EXIT.user;
    }
    io.stderr(`posthorn: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}
