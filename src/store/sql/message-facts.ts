/**
 * What never changes about a message in a mailbox once it is there: INTERNALDATE, size,
 * blob and metadata length (RFC 3501 §2.3: a UID names one message for as long as the
 * mailbox's UIDVALIDITY stands, and mailbox ids are never reused — AUTOINCREMENT, identity).
 * Kept per store process so FETCH's message heads read only the flags part of each row,
 * from the covering (mailbox_id, uid, modseq, flags, keywords) index, instead of the table
 * row (reads.ts getMessageHeads). Filled by the store's append once it committed (so the
 * next FETCH of a new message needs no second read) and by reads of what it lacks.
 * Bounded: past MAX_FACTS the whole memo starts over.
 */
const MAX_FACTS = 50_000;

export interface MessageFacts {
  internalDate: number;
  size: number;
  blobId: string;
  metadataOctets: number;
}

export class MessageFactsMemo {
  private readonly boxes = new Map<number, Map<number, MessageFacts>>();
  private count = 0;

  get(mailboxId: number, uid: number): MessageFacts | undefined {
    return this.boxes.get(mailboxId)?.get(uid);
  }

  set(mailboxId: number, uid: number, facts: MessageFacts): void {
    if (this.count >= MAX_FACTS) {
      this.boxes.clear();
      this.count = 0;
    }
    let box = this.boxes.get(mailboxId);
    if (!box) this.boxes.set(mailboxId, (box = new Map()));
    if (!box.has(uid)) this.count++;
    box.set(uid, facts);
  }
}
