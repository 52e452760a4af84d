/**
 * SORT arguments (RFC 5256 §3; DISPLAYFROM/DISPLAYTO from RFC 5957):
 * "(" sort-criterion *(SP sort-criterion) ")" SP search-charset 1*(SP search-key),
 * where sort-criterion = ["REVERSE" SP] sort-key; RFC 5267 §3 puts RETURN options first.
 */
import { bad } from '../errors.js';
import type { Reader } from '../reader.js';
import { readReturnOpts, type ReturnOpts } from './return-opts.js';
import { checkCharset, readSearchKeys, type SearchKey } from './search.js';

export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO' | 'DISPLAYFROM' | 'DISPLAYTO';
const KEYS = new Set<SortKey>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);

export interface SortCriterion {
  key: SortKey;
  reverse: boolean;
}

export interface SortArgs {
  criteria: SortCriterion[];
  key: SearchKey;
  /** RFC 5267 §3 ESORT: RETURN options, null for a plain SORT response. */
  returns: ReturnOpts | null;
}

export function readSortArgs(r: Reader): SortArgs {
  r.sp();
  const returns = readReturnOpts(r);
  const criteria = r.list(() => {
    let word = r.atom('a sort key').toUpperCase();
    let reverse = false;
    if (word === 'REVERSE') {
      reverse = true;
      r.sp();
      word = r.atom('a sort key').toUpperCase();
    }
    if (!KEYS.has(word as SortKey)) throw bad(`Unknown sort key ${word}`);
    return { key: word as SortKey, reverse };
  }, false, 20);
  r.sp();
  checkCharset(r.astring('a charset'));
  r.sp();
  return { criteria, key: readSearchKeys(r), returns };
}
