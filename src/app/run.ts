/**
 * The composition root: config → store → change bus → TLS → services and listeners.
 * startApp() either starts everything configured or, on any failure (a port taken, a bad
 * certificate), stops what it had started and throws a UserError saying which listener
 * failed and why. close() stops listeners first (they say goodbye to their sessions), then
 * services, then the bus and the store.
 */
import type { Config, ListenerName } from '../config/schema.js';
import { LISTENERS } from '../config/schema.js';
import { formatListen, parseListen } from '../config/values.js';
import { UserError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/log.js';
import { ChangeBus } from '../mail/changes.js';
import type { RunningServer } from '../server/types.js';
import type { Store } from '../store/types.js';
import { IMPLICIT_TLS, serverStarters, serviceStarters, type RunningService, type ServerStarter, type ServiceStarter } from './servers.js';
import { openConfiguredStore, type StoreOpener } from './store.js';
import { loadTls } from './tls.js';

export interface AppOptions {
  config: Config;
  dataDir: string;
  log?: Logger;
  /** Where the one-line-per-listener report goes (default: stdout). */
  out?: (line: string) => void;
  /** Defaults: the registries of servers.ts (tests pass their own). */
  starters?: Partial<Record<ListenerName, ServerStarter>>;
  services?: ServiceStarter[];
  openStore?: StoreOpener;
}

export interface RunningApp {
  readonly store: Store;
  readonly bus: ChangeBus;
  readonly servers: RunningServer[];
  readonly services: RunningService[];
  /** Idempotent. */
  close(): Promise<void>;
}

export async function startApp(opts: AppOptions): Promise<RunningApp> {
  const { config, dataDir } = opts;
  const out = opts.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const log = opts.log ?? createLogger(config.log.level);
  const starters = opts.starters ?? serverStarters;

  const wanted = LISTENERS.map((name) => ({ name, at: parseListen(config[name].listen) }));
  const configured = wanted.filter((w) => w.at !== null);
  const runnable = configured.filter((w) => starters[w.name] !== undefined);

  const store = await openConfiguredStore(config, dataDir, opts.openStore);
  const bus = new ChangeBus(store.events);
  const servers: RunningServer[] = [];
  const services: RunningService[] = [];
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await Promise.allSettled(servers.map((s) => s.close()));
      await Promise.allSettled(services.map((s) => s.close()));
      bus.close();
      await store.close();
    })());

  try {
    for (const start of opts.services ?? serviceStarters) services.push(await start({ config, dataDir, store, bus, log }));
    const tls = runnable.length > 0 ? await loadTls(config, dataDir) : null;
    for (const { name, at } of runnable) {
      if (!at || !tls) continue;
      const base = {
        host: at.host, port: at.port, implicitTls: IMPLICIT_TLS[name], hostname: config.hostname, tls, store, bus,
        log: log.child({ server: name }), allowPlaintextOnLoopback: config.auth.allow_plaintext_on_loopback,
      };
      let server: RunningServer;
      try {
        server = await starters[name]!(base, config);
      } catch (e) {
        throw listenError(name, formatListen(at), e);
      }
      servers.push(server);
      out(`${name} listening on ${formatListen({ host: server.address.address, port: server.address.port })}`);
    }
  } catch (e) {
    await close();
    throw e;
  }

  const missing = configured.filter((w) => starters[w.name] === undefined).map((w) => w.name);
  if (configured.length === 0) out('no listeners are configured (every *.listen is off)');
  else if (runnable.length === 0) out(`no listeners are available yet (configured but not built in: ${missing.join(', ')})`);
  else if (missing.length > 0) out(`not available yet: ${missing.join(', ')}`);
  return { store, bus, servers, services, close };
}

function listenError(name: string, at: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new UserError(`${name}: cannot listen on ${at}: the address is already in use (set ${name}.listen to another ADDR:PORT or off)`);
  if (code === 'EACCES') return new UserError(`${name}: cannot listen on ${at}: permission denied (ports below 1024 need privileges)`);
  if (code === 'EADDRNOTAVAIL') return new UserError(`${name}: cannot listen on ${at}: no such local address`);
  if (e instanceof UserError) return e;
  return new Error(`${name}: failed to start on ${at}: ${(e as Error).message}`, { cause: e });
}

export interface SignalWatch {
  /** Resolves with the first SIGTERM or SIGINT received since watchSignals() was called. */
  readonly received: Promise<NodeJS.Signals>;
  dispose(): void;
}

/** Starts listening for SIGTERM/SIGINT at once — call it before startApp(), so a signal that
 *  arrives while listeners are still opening is not lost — and keeps the process alive
 *  until one arrives (signal handlers alone do not hold the event loop). */
export function watchSignals(): SignalWatch {
  let onSignal: (s: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((resolve) => (onSignal = resolve));
  const keepAlive = setInterval(() => {}, 1 << 30);
  const dispose = () => {
    clearInterval(keepAlive);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { received, dispose };
}
