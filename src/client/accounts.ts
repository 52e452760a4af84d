/**
 * Client profiles in $XDG_CONFIG_HOME/posthorn/accounts.toml (issue 7 "Accounts"):
 *
 *   [accounts.work]
 *   address = "me@example.com"
 *   user = "me"                        # login name; the address when absent
 *   smtp = "smtp.example.com:587"      # + smtp_security = "tls" | "starttls" | "auto"
 *   imap = "imap.example.com:993"      # or pop3 = "…"; + imap_security / pop3_security
 *   password_command = "pass show mail"  # or password_env = "VAR", or a stored password
 *
 * Invariants: the file is written atomically (temp file, rename) with mode 0600 since it may
 * hold a password; unknown keys are kept as they are, so a newer client's settings survive.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify, type TomlTable } from 'smol-toml';
import { z } from 'zod';
import { ClientError } from './errors.js';
import { accountsFile } from './paths.js';

const security = z.enum(['tls', 'starttls', 'auto']);

export const accountSchema = z
  .object({
    address: z.string(),
    user: z.string().optional(),
    smtp: z.string().optional(),
    smtp_security: security.optional(),
    imap: z.string().optional(),
    imap_security: security.optional(),
    pop3: z.string().optional(),
    pop3_security: security.optional(),
    insecure: z.boolean().optional(),
    password: z.string().optional(),
    password_env: z.string().optional(),
    password_command: z.string().optional(),
    default: z.boolean().optional(),
  })
  .passthrough();

export type Account = z.infer<typeof accountSchema>;

export function loadAccounts(file = accountsFile()): Map<string, Account> {
  const out = new Map<string, Account>();
  if (!existsSync(file)) return out;
  let doc: TomlTable;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ClientError('usage', `${file} is not valid TOML: ${(e as Error).message}`);
  }
  const table = (doc.accounts ?? {}) as Record<string, unknown>;
  for (const [name, v] of Object.entries(table)) {
    const r = accountSchema.safeParse(v);
    if (!r.success) throw new ClientError('usage', `${file}: account ${name}: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    out.set(name, r.data);
  }
  return out;
}

export function saveAccounts(accounts: Map<string, Account>, file = accountsFile()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const doc = { accounts: Object.fromEntries([...accounts].map(([k, v]) => [k, stripUndefined(v)])) };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `# posthorn client accounts (posthorn account add|remove)\n${stringify(doc)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

function stripUndefined(a: Account): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
}

/** The named account, the one marked default, or the only one. */
export function findAccount(name: string | undefined, accounts = loadAccounts()): [string, Account] | null {
  if (name) {
    const a = accounts.get(name);
    if (!a) throw new ClientError('usage', `no account named ${name} (see posthorn account list)`);
    return [name, a];
  }
  const def = [...accounts].find(([, a]) => a.default);
  if (def) return def;
  if (accounts.size === 1) return [...accounts][0];
  return null;
}
