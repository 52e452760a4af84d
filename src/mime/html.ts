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

export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<(br|\/p|\/div|\/tr|\/li|\/h[1-6]|\/table|\/blockquote|hr)\b[^>]*>/gi, '\n')
      .replace(/<(li)\b[^>]*>/gi, '\n• ')
      .replace(/<\/?[A-Za-z!?][^>]*>/g, ''),
  )
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n[ \n]*/g, '\n')
    .trim();
}
