/**
 * The command table: every command file's declaration, and the state table derived from
 * them (which verbs are legal in which state). The dispatcher consults only this.
 */
import type { Pop3CommandHandler, Pop3StateKind } from '../state.js';
import { apop } from './apop.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';

export const COMMANDS: ReadonlyMap<string, Pop3CommandHandler> = new Map(
  [user, pass, apop, auth, stls, capa, quit, stat, list, retr, dele, noop, rset, top, uidl].map((c) => [c.name, c]),
);

/** Verbs legal in each state, sorted (documentation and tests). */
export function stateTable(): Record<Pop3StateKind, string[]> {
  const table: Record<Pop3StateKind, string[]> = { authorization: [], transaction: [], update: [] };
  for (const c of COMMANDS.values()) for (const s of c.states) table[s].push(c.name);
  for (const k of Object.keys(table) as Pop3StateKind[]) table[k].sort();
  return table;
}
