/**
 * The head of every command (RFC 3501 §9 command = tag SP (command-any / command-auth /
 * command-nonauth / command-select) CRLF): the tag, the command name upper-cased, and for
 * `UID x` the inner name with `uid` set. The returned reader stands just after the name, so
 * the command's own grammar reads its arguments from there.
 */
import { ImapError } from './errors.js';
import { Reader } from './reader.js';

export interface CommandHead {
  tag: string;
  /** Upper-case command name; for "UID FETCH" it is "FETCH" with uid = true. */
  name: string;
  uid: boolean;
  reader: Reader;
}

/** A parse failure before the command name is known: the tag ('*' if none) to answer. */
export class HeadError extends ImapError {
  constructor(readonly tag: string, text: string) {
    super('BAD', text);
  }
}

export function parseCommandHead(data: Buffer): CommandHead {
  const r = new Reader(data);
  let tag: string;
  try {
    tag = r.tag();
    r.sp();
  } catch {
    throw new HeadError('*', 'Missing or invalid tag');
  }
  try {
    let name = r.atom('a command name').toUpperCase();
    let uid = false;
    if (name === 'UID') {
      r.sp();
      name = r.atom('a command name').toUpperCase();
      uid = true;
    }
    return { tag, name, uid, reader: r };
  } catch {
    throw new HeadError(tag, 'Missing or invalid command name');
  }
}

