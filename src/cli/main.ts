#!/usr/bin/env node
/** The `posthorn` command: administration, the servers and the mail client (program.ts). */
import './threadpool.js';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
});
process.exitCode = code;
// Whatever still holds the event loop (a database pool, a stray timer) must not keep a
// finished command alive; unref'd, this fires only if something else is still running.
setTimeout(() => process.exit(code), 2000).unref();
