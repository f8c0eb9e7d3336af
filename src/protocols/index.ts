/** All protocols, and the explicit call that fills a registry's dispatch tables with them. */
import { Registry } from '../dissect/registry.js';
import { data } from './data.js';
import { dhcp } from './dhcp/index.js';
import { dns, llmnr, mdns } from './dns.js';
import { ethernet } from './ethernet.js';
import { ipv4 } from './ipv4.js';
import { icmp } from './icmp.js';
import { icmpv6 } from './icmpv6.js';
import { ah, esp, ipv6 } from './ipv6.js';
import { udp } from './udp.js';
import type { Protocol } from './types.js';

/** Every protocol wirelens knows, outermost layers first. */
export const PROTOCOLS: readonly Protocol<any, any>[] = [ethernet, ipv4, ipv6, ah, esp, icmp, icmpv6, udp, dhcp, dns, mdns, llmnr, data];

/** Register every protocol and its bindings (no import side effects: call this, or bind your own). */
export function registerDefaults(reg: Registry = new Registry()): Registry {
  for (const p of PROTOCOLS) reg.add(p);
  return reg;
}

export { data, ethernet, ipv4, udp };
export { ah, esp, icmp, icmpv6, ipv6 };
export { dhcp };
export { dns, mdns, llmnr };
