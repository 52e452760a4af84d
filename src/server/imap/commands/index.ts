/**
 * The command table: every command file's declaration, by name. The states each command is
 * legal in come from its own declaration (RFC 3501 §6 "Valid states"); test/imap checks the
 * derived table against the RFC.
 */
import type { RegisteredCommand } from '../types.js';
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { check } from './check.js';
import { close } from './close.js';
import { compress } from './compress.js';
import { copy, move } from './copy.js';
import { create } from './create.js';
import { del } from './delete.js';
import { enable } from './enable.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch.js';
import { getquota } from './getquota.js';
import { genurlauth } from './genurlauth.js';
import { getquotaroot } from './getquotaroot.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { lsub } from './lsub.js';
import { namespace } from './namespace.js';
import { noop } from './noop.js';
import { notify } from './notify.js';
import { rename } from './rename.js';
import { resetkey } from './resetkey.js';
import { search } from './search.js';
import { sort } from './sort.js';
import { thread } from './thread.js';
import { cancelupdate } from './cancelupdate.js';
import { examine, select } from './select.js';
import { setquota } from './setquota.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store } from './store.js';
import { subscribe } from './subscribe.js';
import { unselect } from './unselect.js';
import { unsubscribe } from './unsubscribe.js';
import { urlfetch } from './urlfetch.js';

const ALL: RegisteredCommand[] = [
  capability, noop, logout, starttls, login, authenticate, enable, id, namespace, list, lsub, status,
  create, del, rename, subscribe, unsubscribe, select, examine, append, check, close, unselect, expunge,
  fetch, store, copy, move, search, idle, getquota, getquotaroot, sort,
  thread,
  cancelupdate,
  genurlauth, urlfetch, resetkey, notify, compress, setquota,
];

export const COMMANDS: ReadonlyMap<string, RegisteredCommand> = new Map(ALL.map((c) => [c.name, c]));
