/**
 * A scriptable SMTP server for relay tests and the bench: it accepts what it is told to,
 * records every transaction (envelope, parameters, un-stuffed data, TLS, AUTH) and can
 * misbehave on purpose (4xx greeting, no EHLO, dropped connections, per-recipient replies).
 */
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';

export interface SinkTransaction {
  mailFrom: string;
  rcpts: string[];
  data: Buffer;
  tls: boolean;
  auth: string | null;
  via: 'DATA' | 'BDAT';
}

export interface SinkOptions {
  host?: string;
  greeting?: string;
  /** false: EHLO is answered 502 (an RFC 821 server). */
  ehlo?: boolean;
  extensions?: string[];
  rcpt?: (address: string, line: string) => string;
  data?: (tx: SinkTransaction) => string;
  /** After this many transactions on one connection the server says 421 and hangs up. */
  maxPerConnection?: number;
  /** Accepted AUTH PLAIN credentials 'user:pass'. */
  credentials?: string;
  /** Record transactions (off in the bench, to keep memory flat). */
  record?: boolean;
  /** STARTTLS key and certificate (default: a self-signed pair for sink.test). */
  tls?: { key: string; cert: string };
}

export interface Sink {
  port: number;
  host: string;
  transactions: SinkTransaction[];
  commands: string[];
  connections: number;
  accepted: number;
  close(): Promise<void>;
}

let cert: { key: string; cert: string } | null = null;
async function tlsMaterial(): Promise<{ key: string; cert: string }> {
  if (!cert) {
    const p = await generate([{ name: 'commonName', value: 'sink.test' }], { keySize: 2048 });
    cert = { key: p.private, cert: p.cert };
  }
  return cert;
}

export async function startSink(o: SinkOptions = {}): Promise<Sink> {
  const exts = o.extensions ?? ['PIPELINING', 'SIZE 10485760', '8BITMIME', 'SMTPUTF8', 'DSN', 'ENHANCEDSTATUSCODES'];
  const material = exts.includes('STARTTLS') ? (o.tls ?? (await tlsMaterial())) : null;
  const sockets = new Set<net.Socket>();
  const sink: Sink = { port: 0, host: o.host ?? '127.0.0.1', transactions: [], commands: [], connections: 0, accepted: 0, close: async () => undefined };

  const serve = (raw: net.Socket) => {
    sink.connections++;
    let socket: net.Socket = raw;
    let buf = Buffer.alloc(0);
    let mode: 'cmd' | 'data' | { bdat: number; last: boolean } = 'cmd';
    let secure = false;
    let auth: string | null = null;
    let tx: SinkTransaction | null = null;
    let count = 0;
    let chunks: Buffer[] = [];
    const say = (s: string) => socket.write(`${s}\r\n`);
    const finish = (data: Buffer, via: 'DATA' | 'BDAT') => {
      if (!tx || tx.rcpts.length === 0) { say('554 5.5.1 no valid recipients'); return; }
      tx.data = data;
      tx.via = via;
      const r = o.data ? o.data(tx) : '250 2.0.0 accepted';
      if (r.startsWith('2')) { sink.accepted++; if (o.record !== false) sink.transactions.push(tx); }
      say(r);
      tx = null;
      count++;
    };
    const command = (line: string): boolean => {
      if (o.record !== false) sink.commands.push(line);
      const verb = line.split(' ')[0].toUpperCase();
      switch (verb) {
        case 'EHLO':
          if (o.ehlo === false) { say('502 5.5.1 EHLO not implemented'); break; }
          {
            const lines = ['sink.test', ...exts.filter((e) => !(secure && e === 'STARTTLS'))];
            say(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n'));
          }
          break;
        case 'HELO': say('250 sink.test'); break;
        case 'STARTTLS': {
          if (!material) { say('502 5.5.1 no TLS'); break; }
          say('220 2.0.0 go ahead');
          socket.removeAllListeners('data');
          const t = new tls.TLSSocket(socket, { isServer: true, key: material.key, cert: material.cert });
          socket = t;
          secure = true;
          t.on('data', onData);
          t.on('error', () => t.destroy());
          return false;
        }
        case 'AUTH': {
          const [, mech, ir] = line.split(' ');
          const creds = ir ? Buffer.from(ir, 'base64').toString().split('\0') : [];
          if (mech?.toUpperCase() === 'PLAIN' && `${creds[1]}:${creds[2]}` === o.credentials) { auth = creds[1]; say('235 2.7.0 ok'); } else say('535 5.7.8 bad credentials');
          break;
        }
        case 'MAIL':
          if (o.maxPerConnection !== undefined && count >= o.maxPerConnection) { say('421 4.7.0 too many messages, bye'); socket.end(); return false; }
          tx = { mailFrom: line.slice(5), rcpts: [], data: Buffer.alloc(0), tls: secure, auth, via: 'DATA' };
          say('250 2.1.0 ok');
          break;
        case 'RCPT': {
          if (!tx) { say('503 5.5.1 MAIL first'); break; }
          const addr = /<([^>]*)>/.exec(line)?.[1] ?? '';
          const r = o.rcpt ? o.rcpt(addr, line) : '250 2.1.5 ok';
          if (r.startsWith('25')) tx.rcpts.push(line.slice(5));
          say(r);
          if (r.startsWith('421')) { socket.end(); return false; }
          break;
        }
        case 'DATA':
          if (!tx || tx.rcpts.length === 0) { say('554 5.5.1 no valid recipients'); break; }
          say('354 go ahead');
          mode = 'data';
          break;
        case 'BDAT': {
          const [, n, last] = line.split(' ');
          mode = { bdat: Number(n), last: (last ?? '').toUpperCase() === 'LAST' };
          break;
        }
        case 'RSET': tx = null; say('250 2.0.0 ok'); break;
        case 'NOOP': say('250 2.0.0 ok'); break;
        case 'QUIT': say('221 2.0.0 bye'); socket.end(); return false;
        default: say('500 5.5.2 unknown command');
      }
      return true;
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (mode === 'cmd') {
          const nl = buf.indexOf('\r\n');
          if (nl < 0) return;
          const line = buf.subarray(0, nl).toString('utf8');
          buf = buf.subarray(nl + 2);
          if (!command(line)) { buf = Buffer.alloc(0); return; }
        } else if (mode === 'data') {
          const end = buf.indexOf('\r\n.\r\n');
          const emptyEnd = buf.subarray(0, 3).toString() === '.\r\n';
          if (end < 0 && !emptyEnd) return;
          const raw = emptyEnd ? Buffer.alloc(0) : buf.subarray(0, end + 2);
          buf = buf.subarray(emptyEnd ? 3 : end + 5);
          mode = 'cmd';
          finish(Buffer.from(raw.toString('latin1').replace(/^\./, '').replace(/\r\n\./g, '\r\n'), 'latin1'), 'DATA');
        } else {
          if (buf.length < mode.bdat) return;
          chunks.push(buf.subarray(0, mode.bdat));
          buf = buf.subarray(mode.bdat);
          const last = mode.last;
          mode = 'cmd';
          if (last) { finish(Buffer.concat(chunks), 'BDAT'); chunks = []; } else say('250 2.0.0 chunk ok');
        }
      }
    };
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => raw.destroy());
    raw.on('data', onData);
    say(o.greeting ?? '220 sink.test ESMTP');
    if (o.greeting && !o.greeting.startsWith('220')) raw.end();
  };
  const server = net.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, sink.host, resolve));
  sink.port = (server.address() as net.AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return sink;
}
