/**
 * End-to-end support: runs the real `posthorn` command (src/cli/main.ts under tsx) in a
 * temporary data folder, starts `posthorn serve` on free loopback ports, and talks to it
 * with a plain line-based socket client.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('POSTHORN_')));

export function posthorn(dataDir: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--data', dataDir, ...args], { cwd: root, env, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Served {
  dataDir: string;
  ports: Record<string, number>;
  child: ChildProcess;
  /** Everything the server printed so far (stdout and stderr): for a failing test to show. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `posthorn serve` with the named listeners on free ports; the rest off. */
export async function serve(dataDir: string, listeners: string[], extra: string[] = []): Promise<Served> {
  const all = ['smtp', 'submission', 'submissions', 'pop3', 'pop3s', 'imap', 'imaps', 'http'];
  const ports: Record<string, number> = {};
  const args: string[] = [];
  for (const l of all) {
    if (listeners.includes(l)) {
      ports[l] = await freePort();
      args.push(`--${l}`, `127.0.0.1:${ports[l]}`);
    } else args.push(`--${l}`, 'off');
  }
  // SERVE_NODE_ARGS: node flags for the server child only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
  // (NODE_OPTIONS refuses --cpu-prof)
  const child = spawn(process.execPath, [...(process.env.SERVE_NODE_ARGS ? process.env.SERVE_NODE_ARGS.split(' ') : []), '--import', 'tsx', 'src/cli/main.ts', '--data', dataDir, 'serve', ...args, ...extra], {
    cwd: root, env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 60_000);
    const check = () => {
      if (listeners.every((l) => out.includes(`${l} listening on`))) { clearTimeout(t); resolve(); }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`serve exited ${code}: ${out}`)); });
  });
  child.removeAllListeners('exit');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    dataDir, ports, child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

export function tempData(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'posthorn-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A line-based conversation: send lines, read until a reply line matches. */
export class Talk {
  private buf = '';
  private waiters: Array<() => void> = [];
  private constructor(private readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => { this.buf += d; for (const w of this.waiters.splice(0)) w(); });
    sock.on('error', () => undefined);
  }
  static async open(port: number): Promise<Talk> {
    const s = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
    return new Talk(s);
  }
  send(text: string): void {
    this.sock.write(text);
  }
  /** Everything up to and including the first line matching `re`. */
  async until(re: RegExp, ms = 20_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const lines = this.buf.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (re.test(lines[i])) {
          const text = lines.slice(0, i + 1).join('\r\n');
          this.buf = lines.slice(i + 1).join('\r\n');
          return text;
        }
      }
      if (Date.now() > deadline) throw new Error(`no line matching ${re} in: ${this.buf}`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, 200); this.waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }
  close(): void {
    this.sock.destroy();
  }
}

/** One conversation on the MX port from bob@remote.test: EHLO, MAIL, RCPT TO `to`; when the
 *  RCPT got 250 and `message` is given (header and body, without the final dot), DATA with it.
 *  Returns the RCPT reply and the reply to the message's end (null when none was sent). */
export async function mxSend(port: number, to: string, message?: string): Promise<{ rcpt: string; data: string | null }> {
  const mx = await Talk.open(port);
  try {
    await mx.until(/^220 /);
    mx.send('EHLO remote.test\r\n');
    await mx.until(/^250 /);
    mx.send('MAIL FROM:<bob@remote.test>\r\n');
    await mx.until(/^250 /);
    mx.send(`RCPT TO:<${to}>\r\n`);
    const rcpt = await mx.until(/^\d{3} /m);
    let data: string | null = null;
    if (message !== undefined && /^250 /m.test(rcpt)) {
      mx.send('DATA\r\n');
      await mx.until(/^354 /);
      mx.send(`${message}.\r\n`);
      data = await mx.until(/^\d{3} /m);
    }
    mx.send('QUIT\r\n');
    return { rcpt, data };
  } finally {
    mx.close();
  }
}
