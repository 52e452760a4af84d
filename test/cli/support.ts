/** Runs `posthorn …` in process with captured output and an injectable store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import type { CliDeps } from '../../src/cli/context.js';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDataDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function posthorn(args: string[], opts: { deps?: CliDeps; stdin?: string; env?: Record<string, string> } = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    readStdin: async () => opts.stdin ?? '',
    env: opts.env ?? {},
  }, opts.deps);
  return { code, stdout, stderr };
}
