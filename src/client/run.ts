/**
 * Runs one client command: a ClientError becomes its message on stderr and its exit code
 * (errors.ts); anything else propagates to the CLI's own handler (an internal error).
 */
import { ClientError } from './errors.js';

export async function runAction(stderr: (text: string) => void, setExitCode: (code: number) => void, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof ClientError)) throw e;
    stderr(`posthorn: ${e.message}\n`);
    setExitCode(e.exitCode);
  }
}
