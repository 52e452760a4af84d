/**
 * Runs one client command: a ClientError becomes its message on stderr and its exit code
 * (errors.ts); anything else is a bug and exits 1 with its message.
 */
import { ClientError } from './errors.js';

export async function runAction(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ClientError) {
      process.stderr.write(`posthorn: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`posthorn: ${(e as Error).message ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
