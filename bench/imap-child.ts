/** Starts bench/imap-server.ts in a child process (descriptor limit raised to the hard
 *  limit first, for 10,000 connections; --expose-gc so SIGUSR2 can collect garbage before a
 *  memory reading) and returns its port and pid; stop() ends it. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerChild {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startServerChild(users = 100): Promise<ServerChild> {
  const script = fileURLToPath(new URL('./imap-server.ts', import.meta.url));
  const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)"; exec node --expose-gc --import tsx "${script}" ${users}`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl !== -1) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`bench IMAP server exited (${code})`)));
  });
  const { port, pid } = JSON.parse(line) as { port: number; pid: number };
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`bench IMAP server exited early (${signal ?? `code ${code}`})`);
  });
  return {
    port, pid,
    stop: () => new Promise<void>((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    }),
  };
}
