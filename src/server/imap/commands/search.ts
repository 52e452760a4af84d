/**
 * SEARCH and UID SEARCH (RFC 3501 §6.4.4, RFC 9051 §6.4.4) with ESEARCH results (RFC 4731:
 * RETURN MIN/MAX/COUNT/ALL), SEARCHRES (RFC 5182: RETURN SAVE and "$"), MODSEQ (RFC 7162
 * §3.1.5: the highest mod-sequence of the matches is reported), RFC 5267 §4 RETURN (UPDATE)
 * and PARTIAL. Only messages the client knows of (the session's sequence map) are searched.
 */
import { no } from '../../../protocol/imap/errors.js';
import { readSearchArgs, type ReturnOption, type SearchArgs } from '../../../protocol/imap/parse/search.js';
import { usesModseq } from '../search/evaluate.js';
import { runSearch, type Found } from '../search/run.js';
import { esearchLine, returnedModseq } from '../search/esearch.js';
import { enableCondstore } from '../condstore.js';
import { addContext } from '../contexts.js';
import { defineCommand, ok, type Ctx } from '../types.js';

export const search = defineCommand({
  name: 'SEARCH',
  states: ['selected'],
  uid: true,
  parse: (r): SearchArgs => readSearchArgs(r),
  async handle(ctx, args, { tag, uid }) {
    if (ctx.state.kind !== 'selected') throw no('No mailbox selected');
    const sel = ctx.state.mailbox;
    if (usesModseq(args.key)) enableCondstore(ctx);
    const found = await runSearch(ctx, sel, args.key);
    // RFC 9051 §6.4.4: under IMAP4rev2 every SEARCH is answered with ESEARCH (RETURN () = ALL).
    const effective = args.returns === null && ctx.enabled.has('IMAP4REV2') ? { ...args, returns: [] } : args;
    // RFC 5267 §4.2: RETURN (UPDATE) keeps the result as a context (contexts.ts).
    if (args.returns?.includes('UPDATE')) addContext(ctx, sel, { tag, uid, key: args.key, criteria: null, result: found.map((f) => f.uid) });
    respond(ctx, effective, found, tag, uid);
    return ok('SEARCH completed');
  },
});

function respond(ctx: Ctx, args: SearchArgs, found: Found[], tag: string, uid: boolean): void {
  const nums = found.map((f) => (uid ? f.uid : f.seq));
  const modseq = returnedModseq(args.key, found, args.returns, args.partial);
  if (args.returns === null) {
    ctx.untagged(`SEARCH${nums.map((n) => ' ' + n).join('')}${modseq !== null ? ` (MODSEQ ${modseq})` : ''}`);
    return;
  }
  const opts: ReturnOption[] = args.returns.length === 0 ? ['ALL'] : args.returns;
  if (opts.includes('SAVE')) {
    // RFC 5182 §2.4: with only MIN and/or MAX besides SAVE, just those messages are saved.
    const onlyMinMax = opts.every((o) => o === 'SAVE' || o === 'MIN' || o === 'MAX') && opts.length > 1;
    const picked = onlyMinMax && found.length > 0
      ? [...new Set([opts.includes('MIN') ? found[0].uid : null, opts.includes('MAX') ? found[found.length - 1].uid : null])].filter((x): x is number => x !== null)
      : found.map((f) => f.uid);
    ctx.savedSearch = picked;
    if (opts.length === 1) return;
  }
  ctx.untagged(esearchLine(tag, uid, nums, opts, args.partial, modseq));
}
