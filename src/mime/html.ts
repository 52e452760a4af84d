/**
 * HTML reduced to plain text for search and preview: drops script/style/head content and
 * comments, turns block ends into line breaks, removes tags, decodes entities. Not a
 * renderer; linear regular expressions only (no backtracking blow-up on hostile input).
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®',
  trade: '™', hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“',
  rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·', euro: '€', pound: '£',
  yen: '¥', cent: '¢', sect: '§', deg: '°', times: '×', divide: '÷', shy: '',
  auml: 'ä', ouml: 'ö', uuml: 'ü', Auml: 'Ä', Ouml: 'Ö', Uuml: 'Ü', szlig: 'ß',
  eacute: 'é', egrave: 'è', ecirc: 'ê', aacute: 'á', agrave: 'à', acirc: 'â', ccedil: 'ç',
  oacute: 'ó', iacute: 'í', uacute: 'ú', ntilde: 'ñ', Eacute: 'É', aring: 'å', oslash: 'ø',
  zwnj: '', zwj: '', lrm: '', rlm: '',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) return String.fromCodePoint(code);
      return m;
    }
    return NAMED[e] ?? m;
  });
}

const SKIP = new Set(['script', 'style', 'head', 'title']);
const BREAK = new Set(['br', 'p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'blockquote', 'hr']);

const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isAlpha(c) || (c >= 48 && c <= 57);

/** One left-to-right pass; every search that fails is remembered, so hostile input such as
 *  thousands of unclosed `<script` or `<!--` stays linear. */
export function htmlToText(html: string): string {
  const out: string[] = [];
  const lower = html.toLowerCase();
  const missing = new Set<string>();
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out.push(html.slice(i));
      break;
    }
    out.push(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const e = missing.has('-->') ? -1 : html.indexOf('-->', lt + 4);
      if (e < 0) missing.add('-->');
      i = e < 0 ? n : e + 3;
      out.push(' ');
      continue;
    }
    const closing = html.charCodeAt(lt + 1) === 47;
    let ns = closing ? lt + 2 : lt + 1;
    let ne = ns;
    if (isAlpha(html.charCodeAt(ns))) while (ne < n && ne - ns < 32 && isAlnum(html.charCodeAt(ne))) ne++;
    const named = ne > ns;
    const tagLike = named || html[lt + 1] === '!' || html[lt + 1] === '?';
    const gt = tagLike && !missing.has('>') ? html.indexOf('>', lt + 1) : -1;
    if (tagLike && gt < 0) missing.add('>');
    if (gt < 0) {
      // Not a tag ("a < b"), or a tag never closed: keep the character as text.
      out.push('<');
      i = lt + 1;
      continue;
    }
    i = gt + 1;
    if (!named) continue;
    const name = html.slice(ns, ne).toLowerCase();
    if (!closing && SKIP.has(name)) {
      const close = `</${name}`;
      const e = missing.has(close) ? -1 : lower.indexOf(close, i);
      if (e < 0) missing.add(close);
      else {
        const g = html.indexOf('>', e);
        i = g < 0 ? n : g + 1;
      }
      out.push(' ');
    } else if (name === 'li' && !closing) out.push('\n• ');
    else if (BREAK.has(name) && (closing || name === 'br' || name === 'hr')) out.push('\n');
  }
  return decodeEntities(out.join(''))
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n[ \n]*/g, '\n')
    .trim();
}
