/**
 * Layer constructors for crafting: `build([ether({dst}), ipv4({dst}), udp({dstport: 53}), dns({questions})])`.
 * Each pairs a protocol with its crafting input; fields left undefined are filled when the packet is built.
 */
import { arp as arpProto } from '../protocols/arp.js';
import type { ArpInput } from '../protocols/arp.js';
import { data } from '../protocols/data.js';
import { dhcp as dhcpProto } from '../protocols/dhcp/index.js';
import type { DhcpInput } from '../protocols/dhcp/index.js';
import { dns as dnsProto } from '../protocols/dns.js';
import type { DnsInput } from '../protocols/dns/message.js';
import { ethernet } from '../protocols/ethernet.js';
import type { EthernetInput } from '../protocols/ethernet.js';
import { icmp as icmpProto } from '../protocols/icmp.js';
import type { IcmpInput } from '../protocols/icmp.js';
import { icmpv6 as icmpv6Proto } from '../protocols/icmpv6.js';
import type { Icmpv6Input } from '../protocols/icmpv6.js';
import { ipv4 as ipv4Proto } from '../protocols/ipv4.js';
import type { IPv4Input } from '../protocols/ipv4.js';
import { ipv6 as ipv6Proto } from '../protocols/ipv6.js';
import type { IPv6Input } from '../protocols/ipv6.js';
import { tcp as tcpProto } from '../protocols/tcp.js';
import type { TcpInput } from '../protocols/tcp.js';
import { udp as udpProto } from '../protocols/udp.js';
import type { UdpInput } from '../protocols/udp.js';
import { ieee8021ad, vlan as vlanProto } from '../protocols/vlan.js';
import type { VlanInput } from '../protocols/vlan.js';
import { layer } from './build.js';
import type { CraftLayer } from './build.js';

export const ether = (input: EthernetInput = {}): CraftLayer<EthernetInput> => layer(ethernet, input);
/** An 802.1Q tag (0x8100). */
export const vlan = (input: VlanInput = {}): CraftLayer<VlanInput> => layer(vlanProto, input);
/** An 802.1ad service tag (QinQ outer tag, 0x88a8). */
export const qinq = (input: VlanInput = {}): CraftLayer<VlanInput> => layer(ieee8021ad, input);
export const arp = (input: ArpInput = {}): CraftLayer<ArpInput> => layer(arpProto, input);
export const ipv4 = (input: IPv4Input = {}): CraftLayer<IPv4Input> => layer(ipv4Proto, input);
export const ipv6 = (input: IPv6Input = {}): CraftLayer<IPv6Input> => layer(ipv6Proto, input);
export const icmp = (input: IcmpInput): CraftLayer<IcmpInput> => layer(icmpProto, input);
export const icmpv6 = (input: Icmpv6Input): CraftLayer<Icmpv6Input> => layer(icmpv6Proto, input);
export const tcp = (input: TcpInput = {}): CraftLayer<TcpInput> => layer(tcpProto, input);
export const udp = (input: UdpInput = {}): CraftLayer<UdpInput> => layer(udpProto, input);
export const dns = (input: DnsInput = {}): CraftLayer<DnsInput> => layer(dnsProto, input);
export const dhcp = (input: DhcpInput): CraftLayer<DhcpInput> => layer(dhcpProto, input);
/** Raw bytes as the innermost layer (tshark shows them as `data`). */
export const payload = (bytes: Uint8Array | string): CraftLayer<{ data: Uint8Array }> =>
  layer(data, { data: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes });

export { build, findLayer, frameToLayers, layer, rebuild } from './build.js';
export type { CraftLayer, RebuildResult } from './build.js';
export * as dhcpMessages from './dhcp.js';
