/**
 * `posthorn queue list|show ID|retry ID|delete ID|flush` — like mailq / postqueue: what is
 * waiting to leave, each recipient's state and the last reply of its next hop. retry and
 * flush make pending recipients due now; a running server's queue picks them up at its
 * next poll (`queue.poll_interval`).
 */
import type { Command } from 'commander';
import type { QueuedMessage } from '../store/types.js';
import { UserError } from '../lib/errors.js';
import { emit, withStore, type Cli } from './context.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(m: QueuedMessage) {
  return {
    id: m.id, sender: m.sender || '<>', size: m.size, arrival: iso(m.arrival), envid: m.envid, ret: m.ret, isBounce: m.isBounce,
    recipients: m.recipients.map((r) => ({
      address: r.address, state: r.state, attempts: r.attempts, nextAttempt: iso(r.nextAttempt), lastAttempt: iso(r.lastAttempt),
      lastReply: r.lastReply, remoteMta: r.remoteMta, notify: r.notify, orcpt: r.orcpt, delayNotified: r.delayNotified,
    })),
  };
}

function lines(m: QueuedMessage, detail: boolean): string[] {
  const out = [`${m.id}  ${m.size} octets  ${iso(m.arrival)}  from <${m.sender}>${m.isBounce ? '  (notice)' : ''}`];
  for (const r of m.recipients) {
    const pending = r.state === 'queued' || r.state === 'deferred';
    out.push(`    ${r.address}  ${r.state}${r.attempts ? `, ${r.attempts} attempt(s)` : ''}${pending ? `, next ${iso(r.nextAttempt)}` : ''}`);
    if (r.lastReply) out.push(`        ${r.remoteMta ? `${r.remoteMta}: ` : ''}${r.lastReply}`);
    if (detail && r.notify) out.push(`        NOTIFY=${r.notify.join(',')}${r.orcpt ? ` ORCPT=${r.orcpt}` : ''}`);
  }
  return out;
}

function id(value: string): number {
  if (!/^\d+$/.test(value)) throw new UserError(`invalid queue id '${value}'`, 'invalid');
  return Number(value);
}

export function queueCommands(program: Command, cli: Cli): void {
  const group = program.command('queue').description('the outbound mail queue');

  group.command('list').description('messages waiting to be delivered, with each recipient\'s state and last reply')
    .action((_o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const all = await store.queue.list();
      emit(cli, g, all.map(view), () => (all.length === 0 ? ['the queue is empty'] : [...all.flatMap((m) => lines(m, false)), `-- ${all.length} message(s), ${all.reduce((n, m) => n + m.recipients.length, 0)} recipient(s)`]));
    }));

  group.command('show').argument('<id>', 'queue id').description('one queued message in detail')
    .action((qid: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const m = await store.queue.get(id(qid));
      if (!m) throw new UserError(`no queued message ${qid}`, 'not-found');
      emit(cli, g, view(m), () => [...lines(m, true), `    envid ${m.envid ?? '-'}, RET ${m.ret ?? '-'}, body ${m.body}${m.smtputf8 ? ', SMTPUTF8' : ''}, blob ${m.blobId}`]);
    }));

  group.command('retry').argument('<id>', 'queue id').description('attempt delivery of one message now')
    .action((qid: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      if (!(await store.queue.get(id(qid)))) throw new UserError(`no queued message ${qid}`, 'not-found');
      const n = await store.queue.retryNow(id(qid));
      emit(cli, g, { id: id(qid), due: n }, () => [`${n} recipient(s) of message ${qid} due now`]);
    }));

  group.command('delete').argument('<id>', 'queue id').description('remove a message from the queue (no notice is sent)')
    .action((qid: string, _o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      if (!(await store.queue.get(id(qid)))) throw new UserError(`no queued message ${qid}`, 'not-found');
      await store.queue.remove(id(qid));
      emit(cli, g, { deleted: id(qid) }, () => [`deleted message ${qid}`]);
    }));

  group.command('flush').description('attempt delivery of everything now')
    .action((_o: unknown, cmd: Command) => withStore(cli, cmd, async (store, g) => {
      const n = await store.queue.retryNow();
      emit(cli, g, { due: n }, () => [`${n} recipient(s) due now`]);
    }));
}
