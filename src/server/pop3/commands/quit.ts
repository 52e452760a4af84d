/**
 * QUIT (RFC 1939 §6): from AUTHORIZATION just goodbye; from TRANSACTION enter UPDATE:
 * remove the marked messages in one atomic store call, publish an 'expunge' event so IMAP
 * sessions on the INBOX see it, release the maildrop lock, answer, close. The +OK is sent
 * only after the removal committed (ARCHITECTURE.md: POP3 +OK after QUIT means committed).
 */
import type { Pop3CommandHandler } from '../state.js';

export const quit: Pop3CommandHandler = {
  name: 'QUIT',
  states: ['authorization', 'transaction'],
  async handle(ctx) {
    const state = ctx.state;
    if (state.kind !== 'transaction') {
      await ctx.ok(`${ctx.options.hostname} POP3 server signing off`);
      return ctx.end();
    }
    ctx.state = { kind: 'update' };
    const { store, bus, log } = ctx.options;
    const { maildrop, account, lock } = state;
    let failed = false;
    try {
      const uids = maildrop.markedUids();
      if (uids.length > 0) {
        const removed = await store.mail.removeMessages(maildrop.mailbox.id, uids);
        if (removed.length > 0) {
          const { highestModseq } = await store.mail.status(maildrop.mailbox.id);
          await bus.publish({ type: 'expunge', accountId: account.id, mailboxId: maildrop.mailbox.id, uids: removed, modseq: highestModseq });
        }
      }
    } catch (e) {
      log.error({ err: e, account: account.address }, 'pop3 update failed');
      failed = true;
    }
    // released before the reply, so a client reconnecting at once finds the maildrop free
    await lock.release().catch(() => undefined);
    const { count } = maildrop.stat();
    // RFC 1939 §6: "-ERR some deleted messages not removed"
    if (failed) await ctx.err('some deleted messages not removed', 'SYS/TEMP');
    else await ctx.ok(`${ctx.options.hostname} POP3 server signing off (${count} message${count === 1 ? '' : 's'} left)`);
    ctx.end();
  },
};
