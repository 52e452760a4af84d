/**
 * What `posthorn mail` works on: a live IMAP or POP3 session, or the local cache when the
 * server cannot be reached (or --offline). The same commands run over each; numbers are IMAP
 * UIDs (stable across sessions, and the keys of the cache) or POP3 message numbers.
 */
import { decodedFields } from '../mime/envelope.js';
import type { Envelope } from '../mime/types.js';

export interface Summary {
  n: number;
  date: number | null;
  from: string;
  subject: string;
  size: number;
  flags: string[];
  attachment: boolean;
}

export interface ListOptions {
  unseen?: boolean;
  search?: string;
}

export interface MailSource {
  readonly label: string;
  list(folder: string, o: ListOptions): Promise<Summary[]>;
  /** The exact bytes; `markSeen` sets \Seen as reading does. */
  raw(folder: string, n: number, markSeen: boolean): Promise<Buffer>;
  flag(folder: string, ns: number[], add: string[], remove: string[]): Promise<void>;
  delete(folder: string, ns: number[]): Promise<void>;
  move(folder: string, ns: number[], target: string): Promise<void>;
  folders(): Promise<string[]>;
  close(): Promise<void>;
}

export function summaryFromEnvelope(n: number, env: Envelope | undefined, extra: { size: number; flags: string[]; attachment: boolean; internalDate?: number }): Summary {
  const d = env ? decodedFields(env) : null;
  return {
    n,
    date: d?.sentDate ?? extra.internalDate ?? null,
    from: d?.from ?? '',
    subject: d?.subject ?? '',
    size: extra.size,
    flags: extra.flags,
    attachment: extra.attachment,
  };
}
