/**
 * Matching a server reply against an expected reply of an imaptest script (a port of
 * imaptest's test_expand_input / test_imap_match_list / test_imap_match_args). Variables
 * bind on first sight and must match later; `$` matches any one argument or list;
 * `$N` is the current sequence of what was message N when the group started.
 */
import { astring, type Arg } from './args.js';

const ALL = Number.MAX_SAFE_INTEGER;

export class MatchContext {
  readonly vars = new Map<string, string>();
  /** Variables bound during the current attempt; reverted when the attempt fails. */
  added: string[] = [];
  /** Initial sequence → current sequence (0 = expunged), per command group. */
  seqmap: number[] = [];
  private modseqIdx = 0;
  private modseqValue = 0n;

  relativeSeq(n: number): string {
    if (n === 0) return '<zero seq>';
    if (n > this.seqmap.length) return '<out of range>';
    return this.seqmap[n - 1] === 0 ? '<expunged>' : String(this.seqmap[n - 1]);
  }

  handleExpunge(seq: number): void {
    for (let i = seq - 1; i < this.seqmap.length; i++) {
      if (this.seqmap[i] === seq) this.seqmap[i] = 0;
      else if (this.seqmap[i] > seq) this.seqmap[i]--;
    }
  }

  revert(): void {
    for (const k of this.added) this.vars.delete(k);
    this.added = [];
  }

  /** Expands `$var`, `${var}`, `$N` and `$$` in a command line; unknown → error. */
  expandCommand(line: string): string {
    return line.replace(/\$(\$|!\S*|\{([^}]*)\}|[A-Za-z0-9_]*)/g, (all, tok: string, braced?: string) => {
      if (tok === '$') return '$';
      if (tok.startsWith('!')) return '';
      const name = braced ?? tok;
      if (name === '') return '$';
      if (/^\d+$/.test(name)) return this.relativeSeq(Number(name));
      const v = this.vars.get(name);
      if (v === undefined) throw new Error(`uninitialized variable: ${name}`);
      return v;
    });
  }

  /** For error messages: expands what is known, leaves the rest. */
  expandKnown(text: string): string {
    try { return this.expandCommand(text); } catch { return text; }
  }

  /** Matches pattern `str` against `input`; returns the expanded pattern or null. */
  expandInput(str: string, input: string): { out: string; icase: boolean } | null {
    let icase = true;
    let out = '';
    let s = 0;
    let p = 0;
    while (s < str.length) {
      if (str[s] !== '$' || str[s + 1] === '$') {
        if (str[s] === '$') s++;
        if (str[s]?.toUpperCase() !== input[p]?.toUpperCase()) return null;
        p++;
        out += str[s++];
        continue;
      }
      s++;
      let name: string;
      if (str[s] === '{') {
        const e = str.indexOf('}', s + 1);
        if (e < 0) return { out: '', icase };
        name = str.slice(s + 1, e);
        s = e + 1;
      } else {
        let e = s;
        while (e < str.length && /[A-Za-z0-9_]/.test(str[e])) e++;
        name = str.slice(s, e);
        s = e;
      }
      let value: string | undefined;
      if (/^\d+$/.test(name)) value = this.relativeSeq(Number(name));
      else if (name.startsWith('case:')) { icase = false; value = name.slice(5); }
      else {
        value = name === '' ? undefined : this.vars.get(name);
        if (value === undefined) {
          // bind up to where the rest of the pattern's next character appears
          let rest = str.slice(s);
          let restIcase = true;
          if (rest.startsWith('$')) {
            const r = this.expandInput(rest, input.slice(p));
            if (r) { rest = r.out; restIcase = r.icase; }
          }
          const next = rest[0];
          let q = p;
          if (next !== undefined) {
            while (q < input.length && (restIcase ? input[q].toUpperCase() !== next.toUpperCase() : input[q] !== next)) q++;
          } else q = input.length;
          value = input.slice(p, q);
          if (name !== '') {
            const mm = /^modseq(\d+)$/.exec(name);
            if (mm) value = this.checkModseq(Number(mm[1]), value);
            else this.added.push(name);
            this.vars.set(name, value);
          }
        }
      }
      out += value;
      for (let k = 0; k < value.length; k++, p++) if (input[p] !== value[k]) return null;
    }
    return { out, icase };
  }

  private checkModseq(idx: number, value: string): string {
    if (!/^\d+$/.test(value)) return '$modseq-not-number';
    let v = BigInt(value);
    if (this.modseqIdx > idx) return '$modseq-order-mismatch';
    const atLeast = this.modseqValue + BigInt(idx - this.modseqIdx);
    let shown = value;
    if (v < atLeast) { shown = `$modseq-at-least-${atLeast}`; v = atLeast; }
    this.modseqIdx = idx;
    this.modseqValue = v;
    return shown;
  }

  /** Number of leading args matched, or ALL when everything matched. */
  matchArgs(match: Arg[], args: Arg[], max = ALL, prefix = false): number {
    let ret = 0;
    let mi = 0;
    let ai = 0;
    for (; mi < match.length && max > 0; mi++, ai++, max--) {
      const m = match[mi];
      const a = args[ai];
      if (m.type === 'nil') {
        if (a?.type !== 'nil') return ret;
      } else if (m.type === 'list') {
        if (a?.type !== 'list') return ret;
        const sub = this.matchList(m.items, a.items);
        if (sub !== ALL) return ret + sub;
      } else {
        if (m.value === '$' && a?.type === 'list') { ret++; continue; }
        if (m.value === '$]') {
          for (let x = args[ai]; x?.type === 'atom' && !x.value.includes(']'); x = args[ai]) ai++;
          ret++;
          continue;
        }
        // imaptest compares C strings: a value ends at its first NUL (append-binary relies on it)
        const as = cString(astring(a));
        if (as === null) return ret;
        const e = this.expandInput(cString(m.value)!, as);
        if (!e) return ret;
        const last = prefix && mi === match.length - 1;
        const eq = last
          ? (e.icase ? as.toUpperCase().startsWith(e.out.toUpperCase()) : as.startsWith(e.out))
          : (e.icase ? as.toUpperCase() === e.out.toUpperCase() : as === e.out);
        if (!eq) return ret;
      }
      ret++;
    }
    if (prefix || ai >= args.length || max === 0) return ALL;
    return ret;
  }

  private matchList(match: Arg[], args: Arg[]): number {
    let unordered = false;
    let chain = 1;
    let noextra = -1;
    const ignores: string[] = [];
    const bans: string[] = [];
    let i = 0;
    for (; i < match.length; i++) {
      const m = match[i];
      if (m.type !== 'atom' || !m.value.startsWith('$!')) break;
      const d = m.value.slice(2);
      if (d.startsWith('unordered')) { unordered = true; if (noextra === -1) noextra = 0; if (d[9] === '=') chain = Number(d.slice(10)); }
      else if (d === 'ordered') unordered = false;
      else if (d === 'extra') noextra = 0;
      else if (d === 'noextra') noextra = 1;
      else if (d.startsWith('ignore=')) ignores.push(d.slice(7).toLowerCase());
      else if (d.startsWith('ban=')) bans.push(d.slice(4).toLowerCase());
    }
    const rest = match.slice(i);
    if (noextra === -1) noextra = 1;
    if (!unordered) return this.matchArgs(rest, args);
    if (args.length % chain !== 0) return 0;
    const matched = new Array<boolean>(args.length).fill(false);
    let ret = 0;
    for (let m = 0; m < rest.length; m += chain, ret++) {
      let k = 0;
      for (; k < args.length; k += chain) {
        if (this.matchArgs(rest.slice(m, m + chain), args.slice(k), chain) === ALL) { matched[k] = true; break; }
      }
      if (k >= args.length) return ret;
    }
    for (let k = 0; k < args.length; k += chain) {
      if (matched[k]) continue;
      const s = astring(args[k]);
      if (s === null) continue;
      if (noextra > 0 && !ignores.includes(s.toLowerCase())) return ret;
      if (noextra <= 0 && bans.includes(s.toLowerCase())) return ret;
    }
    return ALL;
  }
}

export const MATCH_ALL = ALL;

function cString(s: string | null): string | null {
  if (s === null) return null;
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}
