/**
 * IMAP argument trees, as imaptest's scripts and the server's replies are both read:
 * the tokenizer of Dovecot's imap-parser with ATOM_ALLCHARS, LITERAL_TYPE and
 * MULTILINE_STR. An atom runs until a space or line break (or ')' inside a list) and may
 * contain '[', '"', '(' after its first character; '(' starts a list, '"' a quoted string,
 * '{n}' / '~{n}' a literal, NIL is its own type.
 */
export type Arg =
  | { type: 'atom'; value: string }
  | { type: 'string'; value: string }
  | { type: 'literal'; value: string }
  | { type: 'nil' }
  | { type: 'list'; items: Arg[] };

/** Parses one logical line (literals inline as `{n}\r\n<n bytes>`). Lenient: never throws. */
export function parseArgs(text: string): Arg[] {
  let pos = 0;
  const stack: Arg[][] = [[]];
  const top = () => stack[stack.length - 1];
  while (pos < text.length) {
    const c = text[pos];
    if (c === ' ' || c === '\r' || c === '\n') { pos++; continue; }
    if (c === '(') { const list: Arg = { type: 'list', items: [] }; top().push(list); stack.push(list.items); pos++; continue; }
    if (c === ')' && stack.length > 1) { stack.pop(); pos++; continue; }
    if (c === '"') {
      let v = '';
      pos++;
      while (pos < text.length && text[pos] !== '"') {
        if (text[pos] === '\\' && pos + 1 < text.length) pos++;
        v += text[pos++];
      }
      pos++;
      top().push({ type: 'string', value: v });
      continue;
    }
    const lit = /^~?\{(\d+)\+?\}\r?\n/.exec(text.slice(pos, pos + 32));
    if (lit) {
      const n = Number(lit[1]);
      pos += lit[0].length;
      top().push({ type: 'literal', value: text.slice(pos, pos + n) });
      pos += n;
      continue;
    }
    let end = pos;
    while (end < text.length) {
      const d = text[end];
      if (d === ' ' || d === '\r' || d === '\n') break;
      if (d === ')' && stack.length > 1) break;
      end++;
    }
    const atom = text.slice(pos, end);
    pos = end;
    top().push(atom.toUpperCase() === 'NIL' ? { type: 'nil' } : { type: 'atom', value: atom });
  }
  return stack[0];
}

export function argsToString(args: Arg[]): string {
  return args.map(argToString).join(' ');
}

function argToString(a: Arg): string {
  switch (a.type) {
    case 'nil': return 'NIL';
    case 'atom': return a.value;
    case 'string': return JSON.stringify(a.value);
    case 'literal': return `{${a.value.length}}${a.value.length > 40 ? a.value.slice(0, 40) + '…' : a.value}`;
    case 'list': return `(${argsToString(a.items)})`;
  }
}

/** The text of an atom, string or literal; null for NIL and lists. */
export function astring(a: Arg | undefined): string | null {
  if (!a) return null;
  return a.type === 'atom' || a.type === 'string' || a.type === 'literal' ? a.value : null;
}
