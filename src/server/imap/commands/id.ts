/** ID (RFC 2971): the client's identification is read and ignored; ours is returned. */
import { defineCommand, ok } from '../types.js';

export const id = defineCommand({
  name: 'ID',
  states: ['not-authenticated', 'authenticated', 'selected'],
  parse(r) {
    r.sp();
    // RFC 2971 §4: "(" [string SP nstring *(SP string SP nstring)] ")" / NIL; at most 30 pairs.
    if (!r.eatWord('NIL')) r.list(() => r.nstring(), true, 60);
    r.end();
  },
  async handle(ctx) {
    ctx.untagged('ID ("name" "Posthorn" "vendor" "Posthorn")');
    return ok('ID completed');
  },
});
