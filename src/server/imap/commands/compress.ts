/**
 * COMPRESS (RFC 4978 §3): DEFLATE is the only mechanism. Once on, a second COMPRESS is NO
 * [COMPRESSIONACTIVE] (Dovecot answers so too); an unknown mechanism is BAD. The tagged OK
 * is written uncompressed by the connection, which compresses from the next octet on.
 */
import { bad, no } from '../../../protocol/imap/errors.js';
import { defineCommand } from '../types.js';

export const compress = defineCommand({
  name: 'COMPRESS',
  states: ['authenticated', 'selected'],
  parse(r) {
    r.sp();
    const mechanism = r.atom('a compression mechanism').toUpperCase();
    r.end();
    return mechanism;
  },
  async handle(ctx, mechanism, { tag }) {
    if (mechanism !== 'DEFLATE') throw bad(`Unknown compression mechanism ${mechanism}`);
    if (ctx.compressed) throw no('DEFLATE is already active', 'COMPRESSIONACTIVE');
    ctx.startCompression(tag);
    return 'pending';
  },
});
