/**
 * THREAD arguments (RFC 5256 §3 BASE.6.4.THREAD, §5 thread):
 * thread-alg SP search-charset 1*(SP search-key). The algorithms known here are REFERENCES
 * and ORDEREDSUBJECT; any other is a syntax error (BAD), as Dovecot answers.
 */
import { bad } from '../errors.js';
import type { Reader } from '../reader.js';
import { checkCharset, readSearchKeys, type SearchKey } from './search.js';

export type ThreadAlgorithm = 'REFERENCES' | 'ORDEREDSUBJECT';

export interface ThreadArgs {
  algorithm: ThreadAlgorithm;
  key: SearchKey;
}

export function readThreadArgs(r: Reader): ThreadArgs {
  r.sp();
  const alg = r.atom('a threading algorithm').toUpperCase();
  if (alg !== 'REFERENCES' && alg !== 'ORDEREDSUBJECT') throw bad(`Unknown threading algorithm ${alg}`);
  r.sp();
  checkCharset(r.astring('a charset'));
  r.sp();
  return { algorithm: alg, key: readSearchKeys(r) };
}
