/** A stand-in protocol server for app/ tests: listens for real, records its options. */
import net, { type AddressInfo } from 'node:net';
import type { ServerStarter } from '../../src/app/servers.js';
import type { BaseServerOptions } from '../../src/server/types.js';

export function netStarter(name: string, seen: BaseServerOptions[] = []): ServerStarter {
  return async (base) => {
    seen.push(base);
    const srv = net.createServer((s) => s.end(`${name} hello\r\n`));
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(base.port, base.host, () => resolve());
    });
    return {
      name,
      address: srv.address() as AddressInfo,
      close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
    };
  };
}

/** A port that is in use for as long as the returned server lives. */
export async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  return { port: (srv.address() as AddressInfo).port, release: () => new Promise((r) => srv.close(() => r())) };
}
