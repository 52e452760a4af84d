// The real `posthorn` process on a real store (SQLite in a temp data folder): what an operator
// types, what comes back, exit codes, and `serve` stopping on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from './support.js';

const root = new URL('../..', import.meta.url).pathname;
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('POSTHORN_')));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function posthorn(dataDir: string, args: string[], opts: { stdin?: string; onStdout?: (text: string, kill: () => void) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--data', dataDir, ...args], {
      cwd: root,
      env: { ...cleanEnv, POSTHORN_LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      opts.onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

test('domain add && user add --password-stdin, with --json, on SQLite', async (t) => {
  const dir = join(tempDataDir(t), 'data');
  const added = await posthorn(dir, ['domain', 'add', 'example.test']);
  assert.deepEqual([added.code, added.stdout, added.stderr], [0, 'added domain example.test\n', '']);
  assert.ok(existsSync(join(dir, 'posthorn.db')), 'the first command creates the store');

  const user = await posthorn(dir, ['user', 'add', 'alice@example.test', '--password-stdin', '--json'], { stdin: 'a long secret phrase\n' });
  assert.equal(user.code, 0, user.stderr);
  assert.equal(JSON.parse(user.stdout).address, 'alice@example.test');

  const dup = await posthorn(dir, ['user', 'add', 'Alice@example.test', '--password', 'another long one']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /^posthorn: /);
  assert.doesNotMatch(dup.stderr, /\n\s+at /);

});

test('serve opens the store, reports its listeners and exits 0 on SIGTERM', async (t) => {
  const dir = join(tempDataDir(t), 'data');
  const off = ['smtp', 'submission', 'submissions', 'pop3', 'pop3s', 'imaps', 'http'].flatMap((n) => [`--${n}`, 'off']);
  const run = await posthorn(dir, ['serve', ...off, '--imap', '127.0.0.1:0'], {
    onStdout: (text, kill) => { if (text.endsWith('\n')) kill(); },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^(imap listening on 127\.0\.0\.1:\d+|no listeners are available yet .*)\n$/);
  assert.ok(existsSync(join(dir, 'posthorn.db')));
});
