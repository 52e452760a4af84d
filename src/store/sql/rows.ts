/**
 * Row → contract-object conversions and small helpers shared by the query modules.
 * Numbers come back as numbers from both drivers (PostgreSQL int8/numeric are parsed as
 * numbers by postgres/open.ts; SQLite integers are numbers); Number() guards the rest.
 */
import type { Selectable } from 'kysely';
import type { Mailbox, MessageFlags, MessageRow, SpecialUse } from '../types.js';
import { decodeFlags } from './flags.js';
import type { MailboxesTable, MessagesTable } from './schema.js';

export function toMailbox(r: Selectable<MailboxesTable>): Mailbox {
  return {
    id: Number(r.id),
    accountId: Number(r.account_id),
    name: r.name,
    uidValidity: Number(r.uidvalidity),
    uidNext: Number(r.uidnext),
    highestModseq: Number(r.highestmodseq),
    specialUse: (r.special_use as SpecialUse | null) ?? null,
    subscribed: Number(r.subscribed) === 1,
  };
}

export function toMessageRow(r: Selectable<MessagesTable>): MessageRow {
  return {
    mailboxId: Number(r.mailbox_id),
    uid: Number(r.uid),
    modseq: Number(r.modseq),
    flags: decodeFlags(Number(r.flags), r.keywords),
    internalDate: Number(r.internaldate),
    size: Number(r.size),
    blobId: r.blob_id,
    metadata: r.metadata,
  };
}

export function toMessageFlags(r: { uid: number; modseq: number; flags: number; keywords: string }): MessageFlags {
  return { uid: Number(r.uid), modseq: Number(r.modseq), flags: decodeFlags(Number(r.flags), r.keywords) };
}

/** True for a unique-constraint violation in either driver. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
