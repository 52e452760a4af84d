/**
 * What every command shares: the process's streams and environment (injectable, so tests
 * run commands in process), the global options (--data, --config, --json), configuration
 * loading, and running a command body against an opened store that is always closed after.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { StoreOpener } from '../app/store.js';
import { openConfiguredStore } from '../app/store.js';
import type { ServerStarter } from '../app/servers.js';
import { loadConfig, type LoadedConfig, type LoadOptions } from '../config/load.js';
import type { ListenerName } from '../config/schema.js';
import type { Store } from '../store/types.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The whole of standard input (for --password-stdin). */
  readStdin: () => Promise<string>;
  env: Record<string, string | undefined>;
}

export interface CliDeps {
  openStore?: StoreOpener;
  starters?: Partial<Record<ListenerName, ServerStarter>>;
  /** serve: called once the app runs, instead of waiting for SIGTERM (tests). */
  onServing?: (stop: () => Promise<void>) => void;
}

export interface Cli {
  io: CliIo;
  deps: CliDeps;
  /** Set by a command that ends with a code other than 0 without throwing (serve). */
  exitCode?: number;
}

/** A mistake in how a command was called (exit code 2), as opposed to a UserError (1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Globals {
  dataDir: string;
  configFile: string | undefined;
  json: boolean;
}

export function globals(cli: Cli, cmd: Command): Globals {
  const o = cmd.optsWithGlobals<{ data?: string; config?: string; json?: boolean }>();
  return {
    dataDir: resolve(o.data ?? cli.io.env.POSTHORN_DATA ?? './data'),
    configFile: o.config ?? (cli.io.env.POSTHORN_CONFIG || undefined),
    json: o.json === true,
  };
}

export function configFor(cli: Cli, cmd: Command, overrides: LoadOptions['overrides'] = []): LoadedConfig & Globals {
  const g = globals(cli, cmd);
  const loaded = loadConfig({ dataDir: g.dataDir, configFile: g.configFile, env: cli.io.env, overrides });
  return { ...g, ...loaded };
}

/** Opens the store, runs `body`, closes the store (also when body throws). */
export async function withStore<T>(cli: Cli, cmd: Command, body: (store: Store, g: Globals) => Promise<T>): Promise<T> {
  const c = configFor(cli, cmd);
  const store = await openConfiguredStore(c.config, c.dataDir, cli.deps.openStore);
  try {
    return await body(store, c);
  } finally {
    await store.close();
  }
}

/** Prints `data` as JSON with --json, else the text lines. */
export function emit(cli: Cli, g: Globals, data: unknown, text: () => string[]): void {
  if (g.json) cli.io.stdout(JSON.stringify(data, null, 2) + '\n');
  else {
    const lines = text();
    if (lines.length > 0) cli.io.stdout(lines.join('\n') + '\n');
  }
}
