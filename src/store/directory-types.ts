/**
 * The directory's contract: domains, accounts, aliases, forwards and mailing lists — who
 * our addresses are. Part of the storage contracts (types.ts, whose common rules apply:
 * durable, atomic, addresses compared by their canonical form, UserError for what a user
 * can cause); seen from above store/ through types.ts.
 */
export interface Domain {
  name: string;
  createdAt: number;
}

export interface Account {
  id: number;
  /** As first written, e.g. 'Alice@Example.test'. */
  address: string;
  /** argon2id hash string (auth/password). */
  passwordHash: string;
  /** Shared secret for APOP / CRAM-MD5; null unless the operator set one. */
  apopSecret: string | null;
  /** Quota in octets; null = unlimited. */
  quota: number | null;
  createdAt: number;
}

export type PostingPolicy = 'members' | 'anyone' | 'moderated';

export interface MailingList {
  address: string;
  owner: string;
  posting: PostingPolicy;
  members: string[];
}

/** What an address resolves to on our side, before expansion (mta/ingest expands). */
export type LocalTarget =
  | { kind: 'account'; account: Account }
  | { kind: 'alias'; targets: string[] }
  | { kind: 'forward'; to: string }
  | { kind: 'list'; list: MailingList };

export interface Directory {
  addDomain(name: string): Promise<Domain>;
  /** Refuses (UserError 'conflict') while accounts, aliases or lists of the domain exist. */
  removeDomain(name: string): Promise<void>;
  listDomains(): Promise<Domain[]>;
  isLocalDomain(name: string): Promise<boolean>;

  /** Creates the account with INBOX and the RFC 6154 special-use mailboxes Drafts, Sent,
   *  Trash, Junk and Archive, all subscribed. UserError 'not-found' for an unknown domain,
   *  'duplicate' for a taken address (an alias, forward or list with the same address is a
   *  duplicate too), 'invalid' for a malformed one. */
  addAccount(input: { address: string; passwordHash: string; apopSecret?: string | null; quota?: number | null }): Promise<Account>;
  getAccount(address: string): Promise<Account | null>;
  getAccountById(id: number): Promise<Account | null>;
  listAccounts(domain?: string): Promise<Account[]>;
  updateAccount(address: string, patch: { passwordHash?: string; apopSecret?: string | null; quota?: number | null }): Promise<Account>;
  /** Removes the account with all its mailboxes and messages. UserError 'not-found'. */
  removeAccount(address: string): Promise<void>;

  /** `source` is an address, or '@domain' for the domain's catch-all; its domain must be
   *  local. Adding a target that is already there is a no-op. */
  addAlias(source: string, targets: string[]): Promise<void>;
  /** With no targets, removes the alias entirely. UserError 'not-found' if nothing matched. */
  removeAlias(source: string, targets?: string[]): Promise<void>;
  listAliases(): Promise<Array<{ source: string; targets: string[] }>>;

  addForward(address: string, to: string): Promise<void>;
  removeForward(address: string): Promise<void>;
  listForwards(): Promise<Array<{ address: string; to: string }>>;

  createList(input: { address: string; owner: string; posting: PostingPolicy }): Promise<MailingList>;
  addListMembers(list: string, members: string[]): Promise<void>;
  removeListMembers(list: string, members: string[]): Promise<void>;
  getList(address: string): Promise<MailingList | null>;
  listLists(): Promise<MailingList[]>;
  removeList(address: string): Promise<void>;

  /** Exact match on account, alias, forward or list (no plus-addressing, no catch-all:
   *  mta/ingest applies those rules). null when nothing matches. lookup('@domain') returns
   *  the domain's catch-all alias, if any. */
  lookup(address: string): Promise<LocalTarget | null>;
}
