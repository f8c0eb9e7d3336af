/** Layer constructors for crafting: `build([ether({dst}), ipv4({dst}), udp({dstport: 53}), payload(bytes)])`. */
import { data } from '../protocols/data.js';
import { ethernet } from '../protocols/ethernet.js';
import type { EthernetInput } from '../protocols/ethernet.js';
import { ipv4 as ipv4Proto } from '../protocols/ipv4.js';
import type { IPv4Input } from '../protocols/ipv4.js';
import { udp as udpProto } from '../protocols/udp.js';
import type { UdpInput } from '../protocols/udp.js';
import { layer } from './build.js';
import type { CraftLayer } from './build.js';

export const ether = (input: EthernetInput = {}): CraftLayer<EthernetInput> => layer(ethernet, input);
export const ipv4 = (input: IPv4Input = {}): CraftLayer<IPv4Input> => layer(ipv4Proto, input);
export const udp = (input: UdpInput = {}): CraftLayer<UdpInput> => layer(udpProto, input);
/** Raw bytes as the innermost layer (tshark shows them as `data`). */
export const payload = (bytes: Uint8Array | string): CraftLayer<{ data: Uint8Array }> =>
  layer(data, { data: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes });

export { build, findLayer, frameToLayers, layer, rebuild } from './build.js';
export type { CraftLayer, RebuildResult } from './build.js';
