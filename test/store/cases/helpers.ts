/** Small builders shared by the conformance cases. */
import type { Account, NewMessage, Store } from '../../../src/store/types.js';

let counter = 0;

/** A fresh domain + account (names unique within the run). */
export async function freshAccount(store: Store, opts: { quota?: number | null } = {}): Promise<Account> {
  counter++;
  const domain = `d${counter}-${process.pid}.example.test`;
  await store.directory.addDomain(domain);
  return store.directory.addAccount({ address: `User${counter}@${domain}`, passwordHash: HASH, quota: opts.quota ?? null });
}

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

export async function newMessage(store: Store, text: string, flags: string[] = [], searchText?: string): Promise<NewMessage> {
  const raw = Buffer.from(`Subject: ${text}\r\n\r\n${text}\r\n`);
  const blobId = await store.blobs.put(raw);
  return { blobId, size: raw.length, internalDate: Date.now(), flags, metadata: '{}', searchText: searchText ?? text };
}

export async function inbox(store: Store, account: Account): Promise<number> {
  const mb = await store.mail.getMailbox(account.id, 'INBOX');
  if (!mb) throw new Error('no INBOX');
  return mb.id;
}

export async function appendN(store: Store, mailboxId: number, n: number, prefix = 'msg'): Promise<number[]> {
  const items = [];
  for (let i = 0; i < n; i++) items.push({ mailboxId, message: await newMessage(store, `${prefix} ${i}`) });
  return (await store.mail.append(items)).map((r) => r.uid);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the UserError reason a promise rejects with. */
export async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { reason?: string }).reason ?? `not a UserError: ${String(err)}`;
  }
  return 'resolved';
}
