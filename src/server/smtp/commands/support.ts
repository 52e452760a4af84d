/** Which ESMTP parameters a session accepts: only those of extensions EHLO advertised. */
import type { ParamSupport } from '../../../protocol/smtp/params.js';
import type { SessionApi } from '../api.js';

export function paramSupport(s: SessionApi): ParamSupport {
  const e = s.esmtp;
  return { size: e, eightBit: e, binary: e, smtputf8: e, dsn: e, auth: e };
}
