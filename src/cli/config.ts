/**
 * `posthorn config show|docs`, and the configuration flags `posthorn serve` shares with
 * `config show` (INTERFACE.md "The servers": each flag overrides one key; --set any key).
 */
import type { Command } from 'commander';
import { configReference, configToToml } from '../config/render.js';
import type { LoadOptions } from '../config/load.js';
import { configFor, emit, UsageError, type Cli } from './context.js';

/** flag, its value name, the key it sets, help text. */
const CONFIG_FLAGS: Array<[string, string, string, string]> = [
  ['hostname', 'NAME', 'hostname', "the server's FQDN (greeting, Received, HELO)"],
  ['smtp', 'ADDR:PORT', 'smtp.listen', 'MX listener (standard 25), or off'],
  ['submission', 'ADDR:PORT', 'submission.listen', 'submission with STARTTLS (standard 587), or off'],
  ['submissions', 'ADDR:PORT', 'submissions.listen', 'submission with implicit TLS (standard 465), or off'],
  ['pop3', 'ADDR:PORT', 'pop3.listen', 'POP3 (standard 110), or off'],
  ['pop3s', 'ADDR:PORT', 'pop3s.listen', 'POP3 with implicit TLS (standard 995), or off'],
  ['imap', 'ADDR:PORT', 'imap.listen', 'IMAP4 (standard 143), or off'],
  ['imaps', 'ADDR:PORT', 'imaps.listen', 'IMAP4 with implicit TLS (standard 993), or off'],
  ['http', 'ADDR:PORT', 'http.listen', 'webmail, JMAP, admin, autoconfig, metrics, or off'],
  ['dns', 'ADDR:PORT', 'dns.servers', 'DNS resolver for MX/A/AAAA/TXT look-ups (default: the system resolver)'],
  ['relay-port', 'PORT', 'outbound.port', 'port the outbound client connects to on an MX (default 25)'],
  ['store', 'URL', 'store.url', 'sqlite:PATH or postgres://… (default sqlite:DATA/posthorn.db)'],
];

const attribute = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function addConfigFlags(cmd: Command): Command {
  for (const [flag, value, key, help] of CONFIG_FLAGS) cmd.option(`--${flag} <${value}>`, `${help} [${key}]`);
  return cmd.option('--set <key=value>', 'set any configuration key (repeatable), e.g. --set smtp.max_recipients=500', (v: string, all: string[] = []) => [...all, v]);
}

export function configOverrides(opts: Record<string, unknown>): NonNullable<LoadOptions['overrides']> {
  const out: NonNullable<LoadOptions['overrides']> = [];
  for (const [flag, , key] of CONFIG_FLAGS) {
    const v = opts[attribute(flag)];
    if (typeof v === 'string') out.push({ key, value: v, source: `flag --${flag}` });
  }
  for (const item of (opts.set as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set wants KEY=VALUE, got '${item}'`);
    out.push({ key: item.slice(0, eq).trim(), value: item.slice(eq + 1), source: `flag --set ${item.slice(0, eq).trim()}` });
  }
  return out;
}

export function configCommands(program: Command, cli: Cli): void {
  const group = program.command('config').description('the configuration: effective settings and the reference');

  addConfigFlags(group.command('show').description('print the effective configuration (file, then POSTHORN_* environment, then flags) as TOML, or JSON with --json'))
    .action((o: Record<string, unknown>, cmd: Command) => {
      const c = configFor(cli, cmd, configOverrides(o));
      if (!c.json) {
        const header = [`# effective configuration${c.file ? `; file: ${c.file}` : ' (no configuration file)'}; data: ${c.dataDir}`];
        for (const [key, source] of c.sources) if (!source.startsWith('file ')) header.push(`# ${key} from ${source}`);
        cli.io.stdout(header.join('\n') + '\n');
      }
      emit(cli, c, c.config, () => [configToToml(c.config).trimEnd()]);
    });

  group.command('docs').description('print the reference of every key (the text of docs/config.md)')
    .action(() => cli.io.stdout(configReference()));
}
