/**
 * Runs one command: parses its head, checks the command is known and legal in the session's
 * state (the table derived from commands/), runs it, turns any refusal into the tagged
 * response (STYLE habit 10: errors carry the reply), and before the tagged response tells
 * the client about other sessions' changes where RFC 3501 §7.4.1 allows it.
 */
import { parseCommandHead, HeadError } from '../../protocol/imap/command.js';
import { ImapError } from '../../protocol/imap/errors.js';
import { UserError } from '../../lib/errors.js';
import { COMMANDS } from './commands/index.js';
import { sendUpdates } from './updates.js';
import type { Completion, Ctx } from './types.js';

/** RFC 3501 §7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH (the UID forms may);
 *  RFC 5256 §3: nor SORT or THREAD. */
const NO_EXPUNGE = new Set(['FETCH', 'STORE', 'SEARCH', 'SORT', 'THREAD']);
const POLL = new Set(['NOOP', 'CHECK', 'SELECT', 'EXAMINE']);

export async function dispatch(ctx: Ctx, data: Buffer, finish: (tag: string, done: Completion | 'pending') => Promise<void>): Promise<void> {
  let tag = '*';
  let done: Completion | 'pending';
  let name = '';
  let uid = false;
  try {
    const head = parseCommandHead(data);
    tag = head.tag;
    name = head.name;
    uid = head.uid;
    const cmd = COMMANDS.get(head.name);
    if (!cmd || (head.uid && !cmd.uid)) throw new ImapError('BAD', `Unknown command ${head.uid ? 'UID ' : ''}${head.name}`);
    if (!cmd.states.includes(ctx.state.kind)) {
      throw new ImapError('BAD', `${head.name} is not valid in this state (${ctx.state.kind})`);
    }
    done = await cmd.run(ctx, head.reader, { tag, uid });
  } catch (err) {
    if (err instanceof HeadError) tag = err.tag;
    done = toCompletion(ctx, err);
  }
  // The bus marks the mailbox dirty when anything changed it; NOOP and CHECK also poll the
  // store, as the bus is at-most-once (mail/changes.ts). Live contexts (RFC 5267 §4) look
  // after every command, so this session's own changes reach them before its tagged reply.
  if (done !== 'pending' && ctx.state.kind === 'selected' && name !== 'LOGOUT' && (ctx.state.mailbox.dirty || POLL.has(name) || ctx.state.mailbox.contexts.length > 0)) {
    await sendUpdates(ctx, uid || !NO_EXPUNGE.has(name));
  }
  await finish(tag, done);
}

export function toCompletion(ctx: Ctx, err: unknown): Completion {
  if (err instanceof ImapError) return { status: err.status, text: err.text, code: err.code ?? undefined };
  if (err instanceof UserError) {
    const code = { 'not-found': 'NONEXISTENT', duplicate: 'ALREADYEXISTS', quota: 'OVERQUOTA', conflict: 'CANNOT', invalid: 'CANNOT', 'weak-password': 'CANNOT' }[err.reason];
    return { status: 'NO', text: err.message, code };
  }
  ctx.env.log.error({ err }, 'imap command failed');
  return { status: 'NO', text: 'Internal server error', code: 'SERVERBUG' };
}

export function renderCompletion(tag: string, c: Completion): string {
  return `${tag} ${c.status} ${c.code ? `[${c.code}] ` : ''}${c.text}\r\n`;
}

/** The answer to a command refused for its size (RFC 7888 §4, RFC 9051 §7.1: TOOBIG). */
export function tooBig(tag: string, what: 'line' | 'literal' | 'command'): string {
  const text = what === 'line' ? 'Command line too long' : what === 'literal' ? 'Literal too big' : 'Command too big';
  return `${tag} ${what === 'line' ? 'BAD' : 'NO'} [TOOBIG] ${text}\r\n`;
}
