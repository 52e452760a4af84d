/**
 * A small scripted SMTP submission server for client tests (port 0): STARTTLS or implicit
 * TLS with a self-signed certificate, AUTH through the project's server-side SASL codecs
 * (SCRAM-SHA-256, PLAIN), SIZE, recipients refused by pattern. Records what it received.
 */
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { formatReply } from '../../src/protocol/smtp/reply.js';
import { BodyReceiver } from '../../src/protocol/smtp/body.js';
import { PlainMechanism } from '../../src/protocol/sasl/plain.js';
import { ScramMechanism } from '../../src/protocol/sasl/scram.js';
import type { SaslMechanism, SaslStep } from '../../src/protocol/sasl/types.js';

export interface FakeSmtpOptions {
  host?: string;
  tls?: 'starttls' | 'implicit' | 'none';
  auth?: Array<'SCRAM-SHA-256' | 'PLAIN'>;
  password?: string;
  /** The secret SCRAM checks against (default: password); a different one makes SCRAM fail. */
  scramSecret?: string;
  size?: number;
  refuse?: RegExp;
}

export interface Received {
  from: string;
  to: string[];
  data: Buffer;
  authMechanism: string | null;
}

let pems: Promise<{ cert: string; key: string }> | null = null;
export function testCert(): Promise<{ cert: string; key: string }> {
  pems ??= generate([{ name: 'commonName', value: 'mail.test' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'mail.test' }] }] }).then((p) => ({ cert: p.cert, key: p.private }));
  return pems;
}

export async function fakeSmtp(o: FakeSmtpOptions = {}): Promise<{ port: number; received: Received[]; close: () => Promise<void> }> {
  const { cert, key } = await testCert();
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  const handle = (socket: net.Socket, secure: boolean) => {
    sockets.add(socket);
    let s: net.Socket = socket;
    let buf = '';
    let tx: Received | null = null;
    let body: BodyReceiver | null = null;
    let sasl: SaslMechanism | null = null;
    let authed: string | null = null;
    let awaitingEmpty = false;
    const say = (code: number, text: string | string[]) => s.write(formatReply(code, null, text));
    const saslStep = (step: SaslStep) => {
      if (step.kind === 'challenge') return say(334, step.data.toString('base64'));
      sasl = null;
      if (step.credential.kind === 'password') return step.credential.password === (o.password ?? 'secret') ? ((authed = 'PLAIN'), say(235, '2.7.0 ok')) : say(535, '5.7.8 bad credentials');
      const v = step.credential.verify(o.scramSecret ?? o.password ?? 'secret');
      if (!v.ok) return say(535, '5.7.8 bad credentials');
      authed = 'SCRAM-SHA-256';
      if (!v.additionalData) return say(235, '2.7.0 ok');
      awaitingEmpty = true; // RFC 4954 §4: server-final as one more challenge
      return say(334, v.additionalData.toString('base64'));
    };
    const line = (l: string) => {
      if (awaitingEmpty) {
        awaitingEmpty = false;
        return l === '' ? say(235, '2.7.0 ok') : say(535, '5.7.8 expected an empty response');
      }
      if (sasl) {
        try {
          return saslStep(sasl.step(Buffer.from(l, 'base64')));
        } catch {
          sasl = null;
          return say(535, '5.7.8 bad exchange');
        }
      }
      const [verb, ...rest] = l.split(' ');
      const arg = rest.join(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO': {
          const ext = ['fake.test'];
          if (o.tls === 'starttls' && !secure) ext.push('STARTTLS');
          if (o.auth?.length) ext.push(`AUTH ${o.auth.join(' ')}`);
          if (o.size) ext.push(`SIZE ${o.size}`);
          ext.push('8BITMIME');
          return say(250, ext);
        }
        case 'STARTTLS':
          say(220, 'go ahead');
          s.removeAllListeners('data');
          s = new tls.TLSSocket(s, { isServer: true, cert, key });
          secure = true;
          s.on('data', onData);
          s.on('error', () => undefined);
          return;
        case 'AUTH': {
          const [mech, ir] = arg.split(' ');
          sasl = mech.toUpperCase() === 'PLAIN' ? new PlainMechanism() : new ScramMechanism();
          try {
            return saslStep(sasl.start(ir === undefined ? undefined : ir === '=' ? Buffer.alloc(0) : Buffer.from(ir, 'base64')));
          } catch {
            sasl = null;
            return say(535, '5.7.8 bad exchange');
          }
        }
        case 'MAIL':
          if (o.auth?.length && !authed) return say(530, '5.7.0 authentication required');
          tx = { from: /<([^>]*)>/.exec(arg)?.[1] ?? '', to: [], data: Buffer.alloc(0), authMechanism: authed };
          return say(250, '2.1.0 ok');
        case 'RCPT': {
          const to = /<([^>]*)>/.exec(arg)?.[1] ?? '';
          if (o.refuse?.test(to)) return say(550, `5.1.1 <${to}>: no such user`);
          tx?.to.push(to);
          return say(250, '2.1.5 ok');
        }
        case 'DATA':
          body = new BodyReceiver({ dotStuffed: true, maxSize: 50_000_000, maxLineLength: 0 });
          return say(354, 'go on');
        case 'RSET':
          tx = null;
          return say(250, 'ok');
        case 'QUIT':
          say(221, 'bye');
          return s.end();
        default:
          return say(502, '5.5.2 unknown');
      }
    };
    const onData = (chunk: Buffer) => {
      if (body) {
        const rest = body.push(chunk);
        if (rest === null) return;
        if (tx) received.push({ ...tx, data: body.body() });
        body = null;
        say(250, '2.0.0 queued');
        chunk = rest;
      }
      buf += chunk.toString('latin1');
      let nl: number;
      while ((nl = buf.indexOf('\r\n')) >= 0 && !body) {
        const l = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        line(Buffer.from(l, 'latin1').toString('utf8'));
      }
      if (body && buf) {
        const pending = Buffer.from(buf, 'latin1');
        buf = '';
        onData(pending);
      }
    };
    s.on('data', onData);
    s.on('error', () => undefined);
    say(220, 'fake.test ESMTP');
  };
  const server =
    o.tls === 'implicit'
      ? tls.createServer({ cert, key }, (s) => handle(s, true))
      : net.createServer((s) => handle(s, false));
  await new Promise<void>((r) => server.listen(0, o.host ?? '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
