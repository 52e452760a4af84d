/**
 * Runs the client command groups in process, the way src/cli/program.ts runs the others:
 * `posthorn(args, {stdin})` resolves to the exit code and what went to stdout and stderr.
 */
import { Command, CommanderError } from 'commander';
import { registerAccount } from '../../src/cli/account.js';
import { registerMail } from '../../src/cli/mail.js';
import { registerSend } from '../../src/cli/send.js';
import type { Cli } from '../../src/cli/context.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function posthorn(args: string[], opts: { stdin?: string } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const cli: Cli = {
    io: {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      readStdin: async () => opts.stdin ?? '',
      env: process.env,
    },
    deps: {},
  };
  const program = new Command('posthorn')
    .option('--json', 'machine-readable output')
    .exitOverride()
    .configureOutput({ writeOut: (s) => cli.io.stdout(s), writeErr: (s) => cli.io.stderr(s) });
  registerAccount(program, cli);
  registerSend(program, cli);
  registerMail(program, cli);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, stdout, stderr };
    throw e;
  }
  return { code: cli.exitCode ?? 0, stdout, stderr };
}
