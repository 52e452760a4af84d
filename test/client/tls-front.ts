/**
 * A STARTTLS front for tests: speaks the pre-TLS part of IMAP or POP3 itself (greeting,
 * CAPABILITY/CAPA, STARTTLS/STLS) with a self-signed certificate, then tunnels the TLS
 * session to a plaintext server (Dovecot on loopback), hiding that server's greeting.
 * Lets the client's STARTTLS path and certificate checks run against a real server.
 */
import net from 'node:net';
import tls from 'node:tls';
import { testCert } from './fake-smtp.js';

export async function starttlsFront(kind: 'imap' | 'pop3', backendPort: number): Promise<{ port: number; close: () => Promise<void> }> {
  const { cert, key } = await testCert();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.write(kind === 'imap' ? '* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] front ready\r\n' : '+OK front ready\r\n');
    let buf = '';
    const onData = (b: Buffer) => {
      buf += b.toString('latin1');
      let nl: number;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const [tag, verb] = kind === 'imap' ? line.split(' ') : ['', line.split(' ')[0]];
        const v = (verb ?? '').toUpperCase();
        if (v === 'CAPABILITY') client.write(`* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n${tag} OK done\r\n`);
        else if (v === 'CAPA') client.write('+OK\r\nSTLS\r\nUSER\r\n.\r\n');
        else if (v === 'STARTTLS' || v === 'STLS') {
          client.write(kind === 'imap' ? `${tag} OK begin TLS\r\n` : '+OK begin TLS\r\n');
          client.removeListener('data', onData);
          upgrade();
          return;
        } else client.write(kind === 'imap' ? `${tag} BAD only STARTTLS here\r\n` : '-ERR only STLS here\r\n');
      }
    };
    const upgrade = () => {
      const secure = new tls.TLSSocket(client, { isServer: true, cert, key });
      secure.on('error', () => undefined);
      const back = net.connect({ host: '127.0.0.1', port: backendPort });
      sockets.add(back);
      back.on('error', () => secure.destroy());
      let greeted = false;
      let pending = Buffer.alloc(0);
      back.on('data', (b: Buffer) => {
        if (greeted) return void secure.write(b);
        pending = Buffer.concat([pending, b]);
        const nl = pending.indexOf('\r\n');
        if (nl < 0) return;
        greeted = true; // the backend's own greeting is not for the client
        const rest = pending.subarray(nl + 2);
        if (rest.length) secure.write(rest);
      });
      secure.on('data', (b: Buffer) => back.write(b));
      secure.on('close', () => back.destroy());
      back.on('close', () => secure.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
