/**
 * A tiny SMTP next hop for the e2e relay tests: accepts everything, records each message
 * (the DATA text) and its envelope.
 */
import net from 'node:net';

export interface Envelope { from: string; to: string[] }

/** Accepts every message; records each DATA it receives and its envelope. */
export function sink(): Promise<{ port: number; messages: string[]; envelopes: Envelope[]; close(): void }> {
  const messages: string[] = [];
  const envelopes: Envelope[] = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    sock.write('220 sink.test ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(buf.slice(0, end + 2));
          buf = buf.slice(end + 5);
          inData = false;
          sock.write('250 2.0.0 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-sink.test\r\n250 PIPELINING\r\n');
        else if (verb === 'MAIL') { envelopes.push({ from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [] }); sock.write('250 ok\r\n'); }
        else if (verb === 'RCPT') { envelopes.at(-1)?.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''); sock.write('250 ok\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as net.AddressInfo).port, messages, envelopes, close: () => server.close(),
  })));
}

