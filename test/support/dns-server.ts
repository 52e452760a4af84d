/**
 * A small authoritative DNS responder for tests: UDP on loopback (node:dgram), answering
 * A, AAAA, MX and TXT queries from a mutable table. RFC 1035 §4 wire format, no name
 * compression in answers (allowed: §4.1.4 makes compression optional for senders).
 *
 * Invariants: a name absent from the table gets NXDOMAIN (RCODE 3, §4.1.1); a present name
 * without records of the asked type gets NOERROR with an empty answer (NODATA); a name
 * listed in `servfail` gets RCODE 2 (for temporary-failure tests). Names compare
 * case-insensitively, without the trailing dot. A null MX is written `{ preference: 0,
 * exchange: '.' }` (RFC 7505 §3).
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface DnsRecords {
  A?: string[];
  AAAA?: string[];
  MX?: Array<{ preference: number; exchange: string }>;
  /** Each entry is one TXT record; long strings are split into 255-octet pieces. */
  TXT?: string[];
}

export interface TestDnsServer {
  /** Mutable: change it between queries to simulate DNS changes. */
  readonly zone: Map<string, DnsRecords>;
  /** Names answered with SERVFAIL. */
  readonly servfail: Set<string>;
  readonly address: AddressInfo;
  /** 'host:port' for Resolver.setServers. */
  readonly server: string;
  /** How many queries were answered (for tests that check caching or fan-out). */
  readonly queries: number;
  set(name: string, records: DnsRecords): void;
  close(): Promise<void>;
}

const TYPE = { A: 1, MX: 15, TXT: 16, AAAA: 28 } as const;

const key = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** RFC 1035 §3.1: a domain name as a sequence of length-prefixed labels ending in 0. */
function encodeName(name: string): Buffer {
  const k = key(name);
  if (k === '') return Buffer.from([0]);
  const parts = k.split('.').map((l) => {
    const b = Buffer.from(l, 'utf8');
    return Buffer.concat([Buffer.from([b.length]), b]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** Reads the question name at `off` (queries carry no compression pointers). */
function decodeQuestion(msg: Buffer, off: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = off;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i];
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('utf8'));
    i += 1 + len;
  }
  return { name: labels.join('.'), end: i + 1 };
}

function ipv6(addr: string): Buffer {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function rdata(type: number, records: DnsRecords): Buffer[] {
  switch (type) {
    case TYPE.A:
      return (records.A ?? []).map((a) => Buffer.from(a.split('.').map(Number)));
    case TYPE.AAAA:
      return (records.AAAA ?? []).map(ipv6);
    case TYPE.MX:
      return (records.MX ?? []).map((mx) => {
        const pref = Buffer.alloc(2);
        pref.writeUInt16BE(mx.preference);
        return Buffer.concat([pref, encodeName(mx.exchange)]);
      });
    case TYPE.TXT:
      // RFC 1035 §3.3.14: one or more <character-string>s, each at most 255 octets.
      return (records.TXT ?? []).map((txt) => {
        const b = Buffer.from(txt, 'utf8');
        const pieces: Buffer[] = [];
        for (let i = 0; i < b.length || i === 0; i += 255) {
          const p = b.subarray(i, i + 255);
          pieces.push(Buffer.from([p.length]), p);
        }
        return Buffer.concat(pieces);
      });
    default:
      return [];
  }
}

function answer(query: Buffer, zone: Map<string, DnsRecords>, servfail: Set<string>): Buffer | null {
  if (query.length < 12) return null;
  const id = query.readUInt16BE(0);
  const { name, end } = decodeQuestion(query, 12);
  if (end + 4 > query.length) return null;
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const records = zone.get(key(name));
  let rcode = 0;
  if (servfail.has(key(name))) rcode = 2;
  else if (!records) rcode = 3;
  const datas = rcode === 0 && records ? rdata(qtype, records) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR=1, opcode copied, AA=1, RD copied, RA=1 (§4.1.1)
  const rd = query[2] & 0x01;
  header[2] = 0x80 | (query[2] & 0x78) | 0x04 | rd;
  header[3] = 0x80 | rcode;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(datas.length, 6);
  const rrs = datas.map((d) => {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(qtype, 0);
    fixed.writeUInt16BE(1, 2); // class IN
    fixed.writeUInt32BE(60, 4); // TTL
    fixed.writeUInt16BE(d.length, 8);
    return Buffer.concat([encodeName(name), fixed, d]);
  });
  return Buffer.concat([header, question, ...rrs]);
}

/** Starts the responder on 127.0.0.1 (port 0 = any free port) with the given records. */
export async function startDnsServer(records: Record<string, DnsRecords> = {}, port = 0): Promise<TestDnsServer> {
  const zone = new Map<string, DnsRecords>(Object.entries(records).map(([k, v]) => [key(k), v]));
  const servfail = new Set<string>();
  const sock = dgram.createSocket('udp4');
  let queries = 0;
  sock.on('message', (msg, rinfo) => {
    const reply = answer(msg, zone, servfail);
    if (!reply) return;
    queries++;
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, '127.0.0.1', () => resolve());
  });
  const address = sock.address();
  return {
    zone,
    servfail,
    address,
    server: `${address.address}:${address.port}`,
    get queries() { return queries; },
    set(name, recs) { zone.set(key(name), recs); },
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}
