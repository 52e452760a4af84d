/**
 * Reads one imaptest script (format: ../shared/imaptest/README.md; a port of imaptest's
 * src/test-parser.c): the header, then command groups. A group is one or more commands
 * sent together on one connection, with their expected tagged replies and the untagged
 * replies that must (`*`), must not (`!`) or may (`?`) appear while it runs.
 */
import { readFileSync, existsSync } from 'node:fs';
import { parseArgs, astring, type Arg } from './args.js';

export type StartupState = 'nonauth' | 'auth' | 'created' | 'appended' | 'selected';
export type Existence = 'must' | 'mustnot' | 'may';

export interface ScriptCommand {
  line: number;
  /** Explicit tag number (method 3), 0 otherwise. */
  tag: number;
  text: string;
  /** Expected tagged reply, prefix-matched; null until parsed. */
  reply: Arg[] | null;
}

export interface Untagged {
  args: Arg[];
  existence: Existence;
}

export interface CommandGroup {
  connection: number;
  commands: ScriptCommand[];
  untagged: Untagged[];
  replyPending: number;
  expectBye: boolean;
}

export interface Script {
  name: string;
  capabilities: string[];
  connections: number;
  messages: number;
  state: StartupState;
  ignoreExtraUntagged: boolean;
  requireUser2: boolean;
  /** Connections (0-based) that log in as the second user ("user N: $user2"). */
  user2Connections: number[];
  mboxPath: string;
  groups: CommandGroup[];
}

const REPLIES: Record<string, Arg[]> = {
  ok: [{ type: 'atom', value: 'ok' }],
  no: [{ type: 'atom', value: 'no' }],
  bad: [{ type: 'atom', value: 'bad' }],
  '""': [{ type: 'string', value: '' }],
};

export function parseScript(path: string, env: Record<string, string | undefined> = process.env): Script {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dir = path.slice(0, path.lastIndexOf('/'));
  const script: Script = {
    name, capabilities: [], connections: 1, messages: 0, state: 'selected', ignoreExtraUntagged: true,
    requireUser2: false, user2Connections: [], mboxPath: existsSync(`${path}.mbox`) ? `${path}.mbox` : `${dir}/default.mbox`, groups: [],
  };
  const raw = readFileSync(path, 'latin1');
  const lines = raw.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let header = true;
  let group: CommandGroup | null = null;
  const ifStack: Array<{ skip: boolean; elseSeen: boolean }> = [];
  let skip = false;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const lineNo = i + 1;
    if (header) {
      if (line === '') { header = false; continue; }
      if (line.startsWith('#')) continue;
      parseHeader(script, line);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    // {{{ ... }}} multi-line literal: lines joined with CRLF, inserted as {n}
    if (line.endsWith('{{{')) {
      let text = '';
      let cur = line;
      for (;;) {
        const binary = cur.endsWith('~{{{');
        text += cur.slice(0, cur.length - (binary ? 4 : 3));
        const body: string[] = [];
        i++;
        while (i < lines.length && !lines[i].startsWith('}}}')) body.push(lines[i++]);
        // imaptest: ~{{{ keeps each line's own ending (CRLF or LF), {{{ uses CRLF; the
        // last line's ending is not part of the literal
        const lit = binary ? body.join('\n') : body.map((l) => l.replace(/\r$/, '')).join('\r\n');
        text += `${binary ? '~' : ''}{${Buffer.byteLength(lit, 'latin1')}}\r\n${lit}`;
        cur = lines[i].slice(3);
        if (!cur.endsWith('{{{')) { text += cur; break; }
      }
      line = text;
    }
    const ifm = /^!if(n?)env (.+)$/.exec(line);
    if (ifm) {
      ifStack.push({ skip, elseSeen: false });
      const have = env[ifm[2]] !== undefined;
      if ((ifm[1] === '' && !have) || (ifm[1] === 'n' && have)) skip = true;
      continue;
    }
    if (line === '!else') { const top = ifStack[ifStack.length - 1]; top.elseSeen = true; if (!top.skip) skip = !skip; continue; }
    if (line === '!endif') { skip = ifStack.pop()!.skip; continue; }
    if (skip) continue;
    group = parseCommandLine(script, group, line, lineNo);
  }
  if (group && group.replyPending > 0) throw new Error(`${name}: missing reply at end`);
  if (!script.groups.some((g) => g.commands.some((c) => /^logout$/i.test(c.text)) || g.expectBye)) {
    script.groups.push({ connection: 0, commands: [{ line: 0, tag: 0, text: 'logout', reply: REPLIES.ok }], untagged: [], replyPending: 0, expectBye: false });
  }
  return script;
}

function parseHeader(s: Script, line: string): void {
  const colon = line.indexOf(':');
  const key = line.slice(0, colon).trim().toLowerCase();
  const value = line.slice(colon + 1).trim();
  if (key === 'capabilities') s.capabilities = value.split(/\s+/).filter(Boolean);
  else if (key === 'connections') s.connections = value === 'n' ? 2 : Number(value);
  else if (key === 'ignore_extra_untagged') s.ignoreExtraUntagged = value.startsWith('y');
  else if (key === 'messages') s.messages = value === 'all' ? Infinity : Number(value);
  else if (key === 'state') s.state = value.toLowerCase() as StartupState;
  else if (/^user \d+$/.test(key)) {
    if (/\$\{?user2\}?/.test(value)) {
      s.requireUser2 = true;
      s.user2Connections.push(Number(key.slice(5)) - 1);
    }
  }
  else throw new Error(`${s.name}: unknown header ${key}`);
}

function takeReply(text: string): { tag: number; reply: Arg[] | null; rest: string } {
  let rest = text;
  let tag = 0;
  const tm = /^tag(\d+) /i.exec(rest);
  if (tm && Number(tm[1]) > 0) { tag = Number(tm[1]); rest = rest.slice(tm[0].length); }
  const word = rest.split(' ', 1)[0];
  const reply = REPLIES[word.toLowerCase()] ?? null;
  if (reply) rest = rest.slice(word.length).replace(/^ /, '');
  return { tag, reply, rest };
}

function parseCommandLine(s: Script, group: CommandGroup | null, line: string, lineNo: number): CommandGroup {
  const exist = existenceOf(line);
  if (group && exist) {
    addUntagged(group, line.slice(2), exist);
    return group;
  }
  if (group && group.replyPending > 0) {
    let body = line;
    if (s.connections > 1) body = line.replace(/^\d+ /, '');
    const r = takeReply(body);
    if (r.reply) {
      const cmd = group.commands.find((c) => c.tag === r.tag);
      if (!cmd || cmd.reply) throw new Error(`${s.name}:${lineNo}: reply for unknown tag`);
      const args = parseArgs(body);
      cmd.reply = r.tag === 0 ? args : args.slice(1);
      group.replyPending--;
      return group;
    }
  }
  if (!group || group.replyPending === 0) {
    group = { connection: 0, commands: [], untagged: [], replyPending: 0, expectBye: false };
    s.groups.push(group);
  }
  let text = line;
  if (s.connections > 1) {
    const m = /^(\d+)(?: |$)/.exec(text);
    if (!m) throw new Error(`${s.name}:${lineNo}: missing connection index`);
    group.connection = Number(m[1]) - 1;
    if (Number(m[1]) > s.connections) s.connections = Number(m[1]);
    text = text.slice(m[0].length);
  }
  const r = takeReply(text);
  if (group.commands.length === 0 && existenceOf(r.rest)) {
    addUntagged(group, r.rest.slice(2), existenceOf(r.rest)!);
    return group;
  }
  if (!r.reply) group.replyPending++;
  group.commands.push({ line: lineNo, tag: r.tag, text: r.rest, reply: r.reply });
  return group;
}

function existenceOf(line: string): Existence | null {
  if (line.startsWith('* ')) return 'must';
  if (line.startsWith('! ')) return 'mustnot';
  if (line.startsWith('? ')) return 'may';
  return null;
}

function addUntagged(group: CommandGroup, text: string, existence: Existence): void {
  const args = parseArgs(text);
  let name = astring(args[0]) ?? '';
  if (/^[$0-9]/.test(name)) name = astring(args[1]) ?? '';
  addDefaultDirectives(args, name.toLowerCase());
  if (/^bye/i.test(name) && existence === 'must') group.expectBye = true;
  group.untagged.push({ args, existence });
}

const atom = (value: string): Arg => ({ type: 'atom', value });
const hasDirectives = (items: Arg[]) => items.length > 0 && items[0].type === 'atom' && items[0].value.startsWith('$!');

/** imaptest's default list directives (test_add_default_directives). */
function addDefaultDirectives(args: Arg[], reply: string): void {
  args.forEach((a, i) => {
    if (a.type !== 'list') return;
    const own = hasDirectives(a.items);
    if ((reply === 'list' || reply === 'lsub') && i === 1 && !own) a.items.unshift(atom('$!unordered'));
    else if (reply === 'status' && i === 2 && !own) a.items.unshift(atom('$!unordered=2'));
    else if (reply === 'fetch' && i === 2) {
      a.items.forEach((b, j) => {
        const prev = j > 0 ? astring(a.items[j - 1])?.toLowerCase() : undefined;
        if (b.type === 'list' && prev === 'flags' && !hasDirectives(b.items)) {
          b.items.unshift(atom('$!unordered'), atom('$!noextra'), atom('$!ignore=\\recent'),
            atom('$!ignore=$HasAttachment'), atom('$!ignore=$HasNoAttachment'));
        }
      });
      if (!own) a.items.unshift(atom('$!unordered=2'));
    }
  });
}
