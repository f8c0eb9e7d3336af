/** All protocols, and the explicit call that fills a registry's dispatch tables with them. */
import { Registry } from '../dissect/registry.js';
import { data } from './data.js';
import { dhcp } from './dhcp/index.js';
import { dns, llmnr, mdns } from './dns.js';
import { ethernet } from './ethernet.js';
import { arp } from './arp.js';
import { loopLink, nullLink } from './null.js';
import { raw } from './raw.js';
import { fddi } from './fddi.js';
import { llc } from './llc.js';
import { gre } from './gre.js';
import { erspan } from './erspan.js';
import { ppp } from './ppp.js';
import { pppoed, pppoes } from './pppoe.js';
import { vxlan } from './vxlan.js';
import { geneve } from './geneve.js';
import { mpls } from './mpls.js';
import { cmd } from './cmd.js';
import { vntag } from './vntag.js';
import { arcnetBsd, arcnetLinux } from './arcnet.js';
import { ipnet } from './ipnet.js';
import { ipoib } from './ipoib.js';
import { ieee8021ah } from './pbb.js';
import { nflog } from './nflog.js';
import { fr } from './fr.js';
import { sll, sll2 } from './sll.js';
import { ieee8021ad, vlan } from './vlan.js';
import { ipv4 } from './ipv4.js';
import { icmp } from './icmp.js';
import { icmpv6 } from './icmpv6.js';
import { ah, esp, ipv6 } from './ipv6.js';
import { tcp } from './tcp.js';
import { udp } from './udp.js';
import type { Protocol } from './types.js';

/** Every protocol wirelens knows, outermost layers first. */
export const PROTOCOLS: readonly Protocol<any, any>[] = [ethernet, sll, sll2, nullLink, loopLink, raw, fddi, arcnetLinux, arcnetBsd, ipnet, ipoib, nflog, fr, ppp, ieee8021ad, vlan, llc, pppoed, pppoes, mpls, cmd, vntag, ieee8021ah, arp, ipv4, ipv6, ah, esp, icmp, icmpv6, gre, erspan, tcp, udp, vxlan, geneve, dhcp, dns, mdns, llmnr, data];

/** Register every protocol and its bindings (no import side effects: call this, or bind your own). */
export function registerDefaults(reg: Registry = new Registry()): Registry {
  for (const p of PROTOCOLS) reg.add(p);
  return reg;
}

export { data, ethernet, ipv4, udp };
export { ah, esp, icmp, icmpv6, ipv6 };
export { dhcp };
export { dns, mdns, llmnr };
export { tcp };
export { arp, ieee8021ad, loopLink, nullLink, raw, sll, sll2, vlan };
export { arcnetBsd, arcnetLinux, cmd, erspan, fddi, fr, geneve, gre, ieee8021ah, ipnet, ipoib, llc, nflog, mpls, ppp, pppoed, pppoes, vntag, vxlan };
