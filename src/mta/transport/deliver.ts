/**
 * Delivers a batch of messages for one destination over as few connections as possible:
 * the targets (MX addresses) are tried in order until one gives a session (RFC 5321 §5.1:
 * next MX on connection failure or 4xx greeting), then the messages go one after another
 * on that session with RSET between (§4.1.1.5), reconnecting when the hop drops us.
 *
 * Invariant: `onResult` is called for each message as soon as its replies are in, in order,
 * and every call has settled before deliverBatch resolves — the scheduler records the hop's
 * acceptance at once. The next message does not wait for that commit: the window in which a
 * crash can cause a second delivery (between the hop's 250 and the commit of it) is the same
 * either way, and the commits of many connections share one fsync (queue/batch.ts).
 */
import { closeSession, openSession, SessionError, type OpenSession, type SessionOptions } from './session.js';
import { sendMessage, type OutboundMessage, type RecipientOutcome } from './transaction.js';
import type { Destination } from './routes.js';

export type ResultSink = (msg: OutboundMessage, results: RecipientOutcome[]) => Promise<void>;

/** Opens a session on the first target that gives one; throws the last SessionError. */
export async function connectDestination(dest: Destination, opts: SessionOptions): Promise<OpenSession> {
  let last: SessionError | null = null;
  for (const target of dest.targets) {
    try {
      return await openSession(target, { ...opts, tls: dest.tls, auth: dest.auth });
    } catch (e) {
      last = e instanceof SessionError ? e : new SessionError(`421 4.4.2 ${(e as Error).message}`, false);
    }
  }
  throw last ?? new SessionError('421 4.4.4 no address to connect to', false);
}

function failAll(msg: OutboundMessage, e: SessionError, remoteMta: string | null): RecipientOutcome[] {
  return msg.recipients.map((r) => ({ id: r.id, kind: e.permanent ? 'permanent' : 'temporary', reply: e.reply, remoteMta: remoteMta ?? '', hopHasDsn: false }));
}

export async function deliverBatch(dest: Destination, messages: OutboundMessage[], opts: SessionOptions, sink: ResultSink): Promise<void> {
  const recording: Array<Promise<void>> = [];
  const onResult = (m: OutboundMessage, r: RecipientOutcome[]): Promise<void> => {
    const p = sink(m, r);
    recording.push(p);
    p.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    return Promise.resolve();
  };
  let sendError: unknown = null;
  await sendAll(dest, messages, opts, onResult).catch((e: unknown) => { sendError = e ?? new Error('delivery failed'); });
  const failed = (await Promise.allSettled(recording)).find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (sendError !== null) throw sendError;
  if (failed) throw failed.reason;
}

async function sendAll(dest: Destination, messages: OutboundMessage[], opts: SessionOptions, onResult: ResultSink): Promise<void> {
  let session: OpenSession | null = null;
  let sent = 0;
  let reconnects = 0;
  try {
    for (const msg of messages) {
      if (session && !session.conn.alive) session = null;
      if (!session) {
        // A first connection, or one more after the hop closed on us mid-batch.
        if (sent > 0 && ++reconnects > 2) { await onResult(msg, failAll(msg, new SessionError('421 4.4.2 connection lost repeatedly', false), null)); continue; }
        try {
          session = await connectDestination(dest, opts);
          sent = 0;
        } catch (e) {
          const err = e instanceof SessionError ? e : new SessionError(`421 4.4.2 ${(e as Error).message}`, false);
          // Nothing will get through now: every remaining message waits for its retry.
          for (const m of messages.slice(messages.indexOf(msg))) await onResult(m, failAll(m, err, dest.targets[0]?.host ?? null));
          return;
        }
      }
      let results = await sendMessage(session, msg, sent > 0);
      sent++;
      if (!session.conn.alive && sent > 1 && results.every((r) => r.kind === 'temporary') && reconnects < 2) {
        // The hop closed on a reused connection (a per-connection message limit, an idle
        // timeout): one fresh connection for this message before calling it deferred.
        reconnects++;
        try {
          await closeSession(session);
          session = await connectDestination(dest, opts);
          sent = 1;
          results = await sendMessage(session, msg, false);
        } catch {
          session = null;
        }
      }
      await onResult(msg, results);
    }
  } finally {
    if (session) await closeSession(session);
  }
}
