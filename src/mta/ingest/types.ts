/**
 * What the SMTP server hands to mta/ingest, and what ingest answers. The server knows the
 * session (who is talking, over what, authenticated as whom); ingest knows where mail goes
 * (recipient resolution, headers, local delivery, the outbound queue). The server never
 * writes a mailbox (ARCHITECTURE.md, "The path of one message").
 */
import type { BodyType } from '../../protocol/smtp/params.js';
import type { BlobId, MailingList } from '../../store/types.js';

/** Where one accepted RCPT leads once aliases, forwards, catch-all and lists are expanded. */
export interface Expansion {
  /** Accounts that get the message as sent (with Return-Path of the envelope sender). */
  accounts: number[];
  /** Addresses outside our domains that get the message relayed through the queue. */
  remote: string[];
  /** Lists reached: each gets its own copy with List-* headers and its own bounce sender. */
  lists: ListDelivery[];
}

export interface ListDelivery {
  list: MailingList;
  accounts: number[];
  remote: string[];
}

/** The RCPT reply ingest asks for: 250 for local, 251 for a forward (RFC 5321 §3.4), 250
 *  for a relayed remote recipient. */
export type Resolution =
  | { kind: 'local'; expansion: Expansion }
  | { kind: 'forward'; to: string; expansion: Expansion }
  | { kind: 'remote'; expansion: Expansion };

export interface AcceptedRecipient {
  address: string;
  /** RFC 3461 ORCPT / NOTIFY as received, kept with queue rows. */
  orcpt: string | null;
  notify: string[] | null;
  resolution: Resolution;
}

export interface Envelope {
  /** '' for the null reverse-path. */
  sender: string;
  recipients: AcceptedRecipient[];
  body: BodyType;
  smtputf8: boolean;
  envid: string | null;
  ret: 'FULL' | 'HDRS' | null;
}

/** The session facts that go into the Received field (RFC 5321 §4.4). */
export interface ClientInfo {
  ip: string;
  helo: string;
  /** true after EHLO (ESMTP), false after HELO. */
  esmtp: boolean;
  tls: { version: string; cipher: string } | null;
  /** Address of the authenticated account, or null. */
  authUser: string | null;
  /** 'submission' adds Date and Message-ID when missing (RFC 6409 §8). */
  mode: 'mx' | 'submission';
}

export interface RecipientContext {
  /** The session may send to other domains (authenticated, or a relay network). */
  mayRelay: boolean;
  /** The envelope sender (list posting policy looks at it). */
  sender: string;
}

/**
 * The mail pipeline as the SMTP server sees it. Errors the peer should see are thrown as
 * lib/errors ProtocolError (550 5.1.1, 554 5.7.1, 552 5.2.2, ...).
 */
export interface Ingest {
  /** Local domain? (IDNA, case-insensitive.) */
  isLocalDomain(domain: string): Promise<boolean>;
  /** Decides one RCPT: where it goes, or a ProtocolError. */
  resolveRecipient(address: string, ctx: RecipientContext): Promise<Resolution>;
  /** Submission: may `accountId` use `address` as MAIL FROM (its own address, plus-tags of
   *  it, or an alias that leads to it)? */
  senderAllowed(accountId: number, address: string): Promise<boolean>;
  /** Takes the message: local delivery and queue rows, all durable when this resolves. */
  accept(raw: Buffer, envelope: Envelope, client: ClientInfo): Promise<{ id: string }>;
  /** The same for a message too large to hold in memory, already stored as a blob exactly
   *  as received: it is read back in pieces, so memory stays bounded whatever its size.
   *  The blob itself is only the spool: the stored copies (with Received etc.) are new
   *  blobs, and the spool is left to blob garbage collection. */
  acceptStored?(message: StoredMessage, envelope: Envelope, client: ClientInfo): Promise<{ id: string }>;
}

/** A received message kept as a blob (server/smtp/spool.ts). */
export interface StoredMessage {
  blobId: BlobId;
  size: number;
}
