/**
 * Bounces coming home through SRS: a recipient `SRS0=HHHH=TT=domain=local@srs.domain`
 * (or SRS1=…) arriving on port 25 is one of our rewritten reverse-paths. A valid one is
 * reversed to the address it stands for — the original sender (SRS0) or the first
 * forwarder's SRS0 address (SRS1) — and relayed there like any remote recipient, without
 * the session needing relay rights: the hash proves we made the address. A bad hash, an
 * expired timestamp or a malformed address is 550 5.1.1 (no such mailbox), so SRS
 * addresses cannot be forged into an open relay.
 */
import { ProtocolError } from '../../lib/errors.js';
import { domainOf } from '../../lib/address.js';
import { isSrs, srsReverse, type SrsOptions } from '../../auth/srs.js';
import type { Resolution } from './types.js';

/** The resolution of an SRS recipient in our SRS domain, or null when `address` is not one. */
export function reverseSrsRecipient(address: string, srs: SrsOptions): Resolution | null {
  if (!address.includes('@') || domainOf(address).toLowerCase() !== srs.domain.toLowerCase() || !isSrs(address)) return null;
  const r = srsReverse(address, srs);
  if (!r.ok) throw new ProtocolError(550, '5.1.1', `<${address}>: SRS address not valid here (${r.reason})`);
  return { kind: 'remote', expansion: { accounts: [], remote: [r.address], lists: [] } };
}
