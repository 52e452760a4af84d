/** A tiny DNS responder for tests (UDP, port 0): answers SRV questions (RFC 2782) from a
 *  table, NXDOMAIN for anything else. Enough for RFC 6186 discovery. */
import dgram from 'node:dgram';

export interface Srv {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])), Buffer.from([0])]);
}

export async function fakeDns(records: Record<string, Srv[]>): Promise<{ address: string; close: () => void }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (q, rinfo) => {
    // question name starts at 12; read labels
    let i = 12;
    const labels: string[] = [];
    while (q[i] !== 0) {
      labels.push(q.toString('ascii', i + 1, i + 1 + q[i]));
      i += q[i] + 1;
    }
    const qEnd = i + 5; // zero byte, QTYPE, QCLASS
    const qtype = q.readUInt16BE(i + 1);
    const answers = qtype === 33 ? (records[labels.join('.').toLowerCase()] ?? []) : [];
    const header = Buffer.alloc(12);
    q.copy(header, 0, 0, 2);
    header.writeUInt16BE(answers.length ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((a) => {
      const target = encodeName(a.target);
      const rr = Buffer.alloc(12 + 6);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(33, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(6 + target.length, 10);
      rr.writeUInt16BE(a.priority, 12);
      rr.writeUInt16BE(a.weight, 14);
      rr.writeUInt16BE(a.port, 16);
      return Buffer.concat([rr, target]);
    });
    sock.send(Buffer.concat([header, q.subarray(12, qEnd), ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${sock.address().port}`, close: () => sock.close() };
}
