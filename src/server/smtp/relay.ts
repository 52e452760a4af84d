/**
 * Who may relay (send to domains that are not ours): an authenticated session, or a client
 * inside smtp.relay_networks. Never anyone else: no open relay (RFC 5321 §7.1, §3.6.2).
 */
import { BlockList, isIP } from 'node:net';
import type { SessionApi } from './api.js';

const cache = new WeakMap<readonly string[], BlockList>();

export function relayList(networks: readonly string[]): BlockList {
  let list = cache.get(networks);
  if (list) return list;
  list = new BlockList();
  for (const n of networks) {
    const [addr, bits] = n.split('/');
    const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
  }
  cache.set(networks, list);
  return list;
}

export function mayRelay(s: SessionApi): boolean {
  if (s.auth) return true;
  if (s.opts.relayNetworks.length === 0) return false;
  const family = isIP(s.ip) === 6 ? 'ipv6' : 'ipv4';
  return relayList(s.opts.relayNetworks).check(s.ip, family);
}
