/**
 * Plays imaptest scripts against an IMAP server (a port of imaptest's src/test-exec.c):
 * logs in, brings the test mailbox to the script's start state (deleted, created, messages
 * appended, selected on every connection), then runs each command group and checks the
 * tagged and untagged replies. One result per script: passed, failed (with why) or skipped
 * (the server lacks a capability the script needs).
 */
import { readFileSync } from 'node:fs';
import { ImapTestClient, type ServerLine } from './client.js';
import { parseArgs, argsToString, astring, type Arg } from './args.js';
import { MatchContext, MATCH_ALL } from './match.js';
import { parseScript, type Script, type CommandGroup } from './script.js';

export interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
  /** imaptest's user2 (scripts with "user N: $user2"); its password is `password2` or `password`. */
  user2?: string;
  password2?: string;
  mailbox?: string;
  timeoutMs?: number;
}

export interface ScriptResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  reason?: string;
}

class Failure extends Error {}
class Skip extends Error {}

/** mbox → messages with CRLF line ends and INTERNALDATE from the From_ line. */
class MboxSource {
  private readonly messages: Array<{ body: string; date: string }> = [];
  private next = 0;
  constructor(path: string) {
    const lines = readFileSync(path, 'latin1').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let cur: string[] | null = null;
    let date = '';
    const flush = () => { if (cur) this.messages.push({ body: cur.map((l) => l.replace(/\r$/, '') + '\r\n').join(''), date }); };
    for (const l of lines) {
      const m = /^From \S+\s+\w{3} (\w{3})\s+(\d+) (\d\d:\d\d:\d\d) (\d{4})(?: ([+-]\d{4}))?/.exec(l);
      if (m) { flush(); cur = []; date = `${m[2].padStart(2, '0')}-${m[1]}-${m[4]} ${m[3]} ${m[5] ?? '+0000'}`; continue; }
      cur?.push(l);
    }
    flush();
  }
  get size(): number {
    return this.messages.length;
  }
  take(): { body: string; date: string } {
    const m = this.messages[this.next % this.messages.length];
    this.next++;
    return m;
  }
}

/** Header values to put in place of a script's own (an upstream script's known defect). */
export type ScriptFix = Partial<Pick<Script, 'messages'>>;

export async function runScript(path: string, target: Target, fix: ScriptFix = {}): Promise<ScriptResult> {
  let script: Script;
  try {
    script = { ...parseScript(path), ...fix };
  } catch (e) {
    return { name: path.slice(path.lastIndexOf('/') + 1), status: 'failed', reason: `script parse: ${(e as Error).message}` };
  }
  const exec = new Exec(script, target);
  try {
    await exec.run();
    return { name: script.name, status: 'passed' };
  } catch (e) {
    if (e instanceof Skip) return { name: script.name, status: 'skipped', reason: e.message };
    return { name: script.name, status: 'failed', reason: (e as Error).message };
  } finally {
    exec.close();
  }
}

class Exec {
  private clients: ImapTestClient[] = [];
  private readonly ctx = new MatchContext();
  private readonly source: MboxSource;
  private readonly mailbox: string;
  private readonly timeout: number;
  private groupIndex = 0;

  constructor(private readonly script: Script, private readonly t: Target) {
    this.source = new MboxSource(script.mboxPath);
    this.mailbox = t.mailbox ?? 'imaptest';
    this.timeout = t.timeoutMs ?? 10000;
  }

  close(): void {
    for (const c of this.clients) c.close();
  }

  async run(): Promise<void> {
    const s = this.script;
    if (s.requireUser2 && !this.t.user2) throw new Skip('needs a second user');
    const v = this.ctx.vars;
    const [username, domain] = this.t.user.includes('@') ? this.t.user.split('@') : [this.t.user, this.t.host];
    for (const [k, val] of Object.entries({ user: this.t.user, username, domain, password: this.t.password, mailbox: this.mailbox, mailbox_url: encodeURIComponent(this.mailbox) })) v.set(k, val);
    if (this.t.user2) v.set('user2', this.t.user2);
    for (let i = 0; i < s.connections; i++) this.clients.push(await ImapTestClient.connect(this.t.host, this.t.port, i + 1));
    const greetings: ServerLine[] = [];
    for (const c of this.clients) {
      const g = await c.next(this.timeout);
      if (!g || g.kind !== 'untagged') throw new Failure('no greeting');
      greetings.push(g);
    }
    const first = s.groups[0];
    if (first && first.commands.length === 0) {
      this.beginGroup(first);
      this.matchUntagged(first, (greetings[0] as { args: Arg[] }).args, new Set());
      this.checkMissing(first, new Set(first.untagged.map((_, i) => i).filter(() => false)), greetings[0]);
      this.groupIndex = 1;
    }
    await this.setUp(greetings);
    for (; this.groupIndex < s.groups.length; this.groupIndex++) await this.runGroup(s.groups[this.groupIndex]);
  }

  private async command(c: ImapTestClient, text: string, okOnly = true): Promise<{ untagged: Arg[][]; reply: Arg[] }> {
    const tag = c.nextTag();
    await c.send(tag, text);
    const untagged: Arg[][] = [];
    for (;;) {
      const l = await c.next(this.timeout);
      if (!l) throw new Failure(`timeout waiting for reply to ${text}`);
      if (l.kind === 'closed') throw new Failure(`disconnected during ${text}`);
      if (l.kind === 'untagged') untagged.push(l.args);
      if (l.kind === 'tagged' && l.tag === tag) {
        const status = astring(l.args[0])?.toUpperCase();
        if (okOnly && status !== 'OK') throw new Failure(`${text.split(' ')[0]} failed during set-up: ${l.raw}`);
        return { untagged, reply: l.args };
      }
    }
  }

  private async capabilities(c: ImapTestClient): Promise<string[]> {
    const r = await this.command(c, 'CAPABILITY');
    const line = r.untagged.find((a) => astring(a[0])?.toUpperCase() === 'CAPABILITY') ?? [];
    return line.slice(1).map((a) => (astring(a) ?? '').toUpperCase());
  }

  private async setUp(greetings: ServerLine[]): Promise<void> {
    const s = this.script;
    const need = (caps: string[]) => {
      const missing = s.capabilities.filter((x) => !caps.includes(x.toUpperCase()));
      if (missing.length) throw new Skip(`server lacks ${missing.join(' ')}`);
    };
    if (s.state === 'nonauth') {
      const g = greetings[0] as { args: Arg[] };
      const capCode = g.args.find((a) => astring(a)?.toUpperCase() === '[CAPABILITY');
      const caps = capCode ? g.args.map((a) => (astring(a) ?? '').replace(/\]$/, '').toUpperCase()) : await this.capabilities(this.clients[0]);
      need(caps);
      for (const c of this.clients) c.literalPlus = caps.includes('LITERAL+');
      return;
    }
    const second = (c: ImapTestClient) => s.user2Connections.includes(this.clients.indexOf(c));
    for (const c of this.clients) {
      const [user, pass] = second(c) ? [this.t.user2 as string, this.t.password2 ?? this.t.password] : [this.t.user, this.t.password];
      await this.command(c, `LOGIN ${quote(user)} ${quote(pass)}`);
    }
    const caps = await this.capabilities(this.clients[0]);
    need(caps);
    for (const c of this.clients) c.literalPlus = caps.includes('LITERAL+');
    const c0 = this.clients[0];
    // state auth: every test mailbox deleted and unsubscribed
    const mask = quote(`${this.mailbox}*`);
    const names = (r: { untagged: Arg[][] }, verb: string) =>
      r.untagged.filter((a) => astring(a[0])?.toUpperCase() === verb).map((a) => astring(a[3])).filter((x): x is string => x !== null);
    const listed = names(await this.command(c0, `LIST "" ${mask}`), 'LIST');
    const subscribed = names(await this.command(c0, `LSUB "" ${mask}`), 'LSUB');
    for (const n of listed.sort().reverse()) await this.command(c0, `DELETE ${quote(n)}`, false);
    for (const n of subscribed.sort().reverse()) await this.command(c0, `UNSUBSCRIBE ${quote(n)}`, false);
    if (s.state === 'auth') return;
    if (this.mailbox.toUpperCase() !== 'INBOX') await this.command(c0, `CREATE ${quote(this.mailbox)}`);
    const count = s.messages === Infinity ? this.source.size : s.messages;
    for (let i = 0; i < count; i++) {
      const m = this.source.take();
      await this.command(c0, `APPEND ${quote(this.mailbox)} "${m.date}" {${m.body.length}}\r\n${m.body}`);
    }
    if (s.state !== 'selected') return;
    // The second user has no test mailbox of its own: its connections stay authenticated.
    for (const c of this.clients) if (!second(c)) await this.command(c, `SELECT ${quote(this.mailbox)}`);
  }

  private beginGroup(g: CommandGroup): void {
    const c = this.clients[g.connection];
    this.ctx.seqmap = Array.from({ length: c?.count ?? 0 }, (_, i) => i + 1);
  }

  private async runGroup(g: CommandGroup): Promise<void> {
    const c = this.clients[g.connection];
    this.beginGroup(g);
    const pending = new Map<string, (typeof g.commands)[number]>();
    for (const cmd of g.commands) {
      const tag = c.nextTag();
      pending.set(tag, cmd);
      await c.send(tag, this.commandText(cmd.text));
    }
    const found = new Set<number>();
    let mismatches = 0;
    let firstExtra: string | null = null;
    while (pending.size > 0) {
      const l = await c.next(this.timeout);
      if (!l) throw this.fail(g, `timeout; still waiting for ${[...pending.values()].map((x) => x.text).join(', ')}`);
      if (l.kind === 'closed') {
        if (g.expectBye) break;
        throw this.fail(g, 'unexpected disconnection');
      }
      if (l.kind === 'cont') continue;
      if (l.kind === 'untagged') {
        if (!this.matchUntagged(g, l.args, found)) {
          mismatches++;
          if (!this.script.ignoreExtraUntagged && firstExtra === null) firstExtra = l.raw;
          if (process.env.IMAPTEST_DEBUG) console.error(`unmatched: ${JSON.stringify(l.raw)}`);
        }
        const a0 = astring(l.args[0]);
        if (a0 && /^\d+$/.test(a0) && astring(l.args[1])?.toUpperCase() === 'EXPUNGE') this.ctx.handleExpunge(Number(a0));
        continue;
      }
      const cmd = pending.get(l.tag);
      if (!cmd) continue;
      pending.delete(l.tag);
      this.ctx.vars.set('tag', l.tag);
      const ok = cmd.reply && this.ctx.matchArgs(cmd.reply, l.args, MATCH_ALL, true) === MATCH_ALL;
      this.ctx.vars.delete('tag');
      if (!ok) throw this.fail(g, `expected tagged reply '${argsToString(cmd.reply ?? [])}', got '${l.raw}'`);
    }
    this.checkMissing(g, found, null, mismatches);
    if (firstExtra !== null) throw this.fail(g, `${mismatches} unexpected untagged replies, first: ${firstExtra}`);
  }

  private commandText(text: string): string {
    const expanded = this.ctx.expandCommand(text);
    if (/^append$/i.test(expanded)) {
      const m = this.source.take();
      return `APPEND ${quote(this.mailbox)} "${m.date}" {${m.body.length}}\r\n${m.body}`;
    }
    const am = /^append (.*)$/is.exec(expanded);
    if (am && !appendHasBody(am[1])) {
      const m = this.source.take();
      return `APPEND ${am[1]} {${m.body.length}}\r\n${m.body}`;
    }
    return expanded;
  }

  /** True when some expected reply matched; throws when a `!` reply matched. */
  private matchUntagged(g: CommandGroup, args: Arg[], found: Set<number>): boolean {
    const first = astring(args[0])?.toUpperCase() ?? '';
    const prefix = ['OK', 'NO', 'BAD', 'BYE'].includes(first);
    let any = false;
    g.untagged.forEach((u, i) => {
      if (found.has(i)) return;
      this.ctx.added = [];
      if (this.ctx.matchArgs(u.args, args, MATCH_ALL, prefix) === MATCH_ALL) {
        if (u.existence === 'mustnot') throw this.fail(g, `unexpected untagged match: ${argsToString(u.args)} — reply: ${argsToString(args)}`);
        found.add(i);
        any = true;
        this.ctx.added = [];
      } else this.ctx.revert();
    });
    return any;
  }

  private checkMissing(g: CommandGroup, found: Set<number>, greeting: ServerLine | null, mismatches = 0): void {
    const missing = g.untagged.map((u, i) => ({ u, i })).filter(({ u, i }) => u.existence === 'must' && !found.has(i));
    if (greeting && g.untagged.every((u) => u.existence !== 'must')) return;
    if (greeting && this.matchedGreeting(g, greeting)) return;
    if (missing.length > 0) {
      const m = missing[0].u.args;
      throw this.fail(g, `missing ${missing.length} untagged replies (${mismatches} mismatches); first: ${argsToString(m)} (expanded: ${this.ctx.expandKnown(argsToString(m))})`);
    }
  }

  private matchedGreeting(g: CommandGroup, greeting: ServerLine): boolean {
    if (greeting.kind !== 'untagged') return false;
    return g.untagged.every((u) => u.existence !== 'must' || this.ctx.matchArgs(u.args, greeting.args, MATCH_ALL, true) === MATCH_ALL);
  }

  private fail(g: CommandGroup, why: string): Failure {
    const cmd = g.commands[0];
    return new Failure(`group ${this.groupIndex + 1}/${this.script.groups.length} (line ${cmd?.line ?? 0}: ${cmd?.text.slice(0, 80) ?? 'banner'}): ${why}`);
  }
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** APPEND's arguments: mailbox [(flags)] ["date"] then a literal, or none (imaptest supplies it). */
function appendHasBody(args: string): boolean {
  const a = parseArgs(args);
  let i = 1;
  if (a[i]?.type === 'list') i++;
  if (a[i]?.type === 'string') i++;
  return a[i]?.type === 'literal' || (a[i]?.type === 'atom' && /^catenate$/i.test((a[i] as { value: string }).value)) || /\{\d+\+?\}/.test(args);
}
