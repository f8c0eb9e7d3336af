/** IPv4 (RFC 791): every header field, options as tshark 4.0 shows them, checksum with its status. */
import { ipv4ToString, parseIPv4 } from '../core/addr.js';
import { internetChecksum, onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import type { Problem } from '../core/problem.js';
import { compileHeader, readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';

/** IP protocol numbers, as tshark 4.0 names them (`Protocol: UDP (17)`, `tshark -G values`). Shared with IPv6. */
export const IP_PROTOCOLS: Readonly<Record<number, string>> = {
  0: 'IPv6 Hop-by-Hop Option', 1: 'ICMP', 2: 'IGMP', 3: 'GGP', 4: 'IPIP', 5: 'Stream', 6: 'TCP', 7: 'CBT', 8: 'EGP',
  9: 'IGRP', 10: 'BBN RCC', 11: 'Network Voice', 12: 'PUP', 13: 'ARGUS', 14: 'EMCON', 15: 'XNET', 16: 'CHAOS',
  17: 'UDP', 18: 'Multiplex', 19: 'DCN Measurement', 20: 'Host Monitoring', 21: 'Packet radio', 22: 'IDP',
  23: 'Trunk-1', 24: 'Trunk-2', 25: 'Leaf-1', 26: 'Leaf-2', 27: 'Reliable Data', 28: 'IRT', 29: 'ISO TP4',
  30: 'Bulk Data', 31: 'MFE NSP', 32: 'Merit Internodal', 33: 'Datagram Congestion Control Protocol',
  34: '3rd Party Connect', 35: 'Inter-Domain Policy Routing Protocol', 36: 'XTP', 37: 'Datagram delivery',
  38: 'Control Message', 39: 'TP++', 40: 'IL', 41: 'IPv6', 42: 'Source demand routing',
  43: 'Routing Header for IPv6', 44: 'Fragment Header for IPv6', 45: 'Inter-Domain Routing Protocol',
  46: 'Reservation Protocol', 47: 'Generic Routing Encapsulation', 48: 'Dynamic source routing', 49: 'BNA',
  50: 'Encap Security Payload', 51: 'Authentication Header', 52: 'INSLP', 53: 'SWIPE', 54: 'NBMA ARP',
  55: 'IP Mobility', 56: 'TLSP Kryptonet', 57: 'SKIP', 58: 'ICMPv6', 59: 'No Next Header for IPv6',
  60: 'Destination Options for IPv6', 61: 'any host internal protocol', 62: 'Mobile IPv6 (old)',
  63: 'any local network', 64: 'SATNET EXPAK', 65: 'Kryptolan', 66: 'Remote Virtual Disk', 67: 'IPPC',
  68: 'any distributed file system', 69: 'SATNET Monitoring', 70: 'VISA', 71: 'IPCV', 72: 'CPNX', 73: 'CPHB',
  74: 'Wang Span', 75: 'Packet Video', 76: 'Backroom SATNET Mon', 77: 'Sun ND Protocol', 78: 'Wideband Mon',
  79: 'Wideband Expak', 80: 'ISO Internet Protocol', 81: 'VMTP', 82: 'Secure VMTP', 83: 'VINES', 84: 'TTP',
  85: 'NSFNET IGP', 86: 'Dissimilar Gateway', 87: 'TCF', 88: 'EIGRP', 89: 'OSPF IGP', 90: 'Sprite RPC',
  91: 'Locus ARP', 92: 'Multicast Transport', 93: 'AX.25 Frames', 94: 'IP in IP', 95: 'MICP', 96: 'Semaphore',
  97: 'Ether in IP', 98: 'ENCAP', 99: 'any private encryption scheme', 100: 'GMTP', 101: 'Ipsilon Flow',
  102: 'PNNI over IP', 103: 'PIM', 104: 'ARIS', 105: 'SCPS', 106: 'QNX', 107: 'Active Networks', 108: 'IPComp',
  109: 'Sitara Networks', 110: 'Compaq Peer', 111: 'IPX IN IP', 112: 'VRRP', 113: 'PGM', 114: 'any 0-hop protocol',
  115: 'Layer 2 Tunneling', 116: 'DDX', 117: 'IATP', 118: 'STP', 119: 'SpectraLink', 120: 'UTI', 121: 'SMP',
  122: 'SM', 123: 'PTP', 124: 'ISIS over IP', 125: 'FIRE', 126: 'CRTP', 127: 'CRUDP', 128: 'SSCOPMCE', 129: 'IPLT',
  130: 'Secure Packet', 131: 'PIPE', 132: 'SCTP', 133: 'Fibre Channel', 134: 'RSVP E2EI', 135: 'Mobile IPv6',
  136: 'UDPLite', 137: 'MPLS in IP', 138: 'MANET', 139: 'HIP', 140: 'Shim6 header', 141: 'WESP', 142: 'ROHC',
  143: 'Ethernet', 144: 'Unassigned', 145: 'Unassigned', 146: 'Unassigned', 147: 'Unassigned', 148: 'Unassigned',
  149: 'Unassigned', 150: 'Unassigned', 151: 'Unassigned', 152: 'Unassigned', 153: 'Unassigned', 154: 'Unassigned',
  155: 'Unassigned', 156: 'Unassigned', 157: 'Unassigned', 158: 'Unassigned', 159: 'Unassigned', 160: 'Unassigned',
  161: 'Unassigned', 162: 'Unassigned', 163: 'Unassigned', 164: 'Unassigned', 165: 'Unassigned', 166: 'Unassigned',
  167: 'Unassigned', 168: 'Unassigned', 169: 'Unassigned', 170: 'Unassigned', 171: 'Unassigned', 172: 'Unassigned',
  173: 'AX/4000 Testframe', 174: 'Unassigned', 175: 'Unassigned', 176: 'Unassigned', 177: 'Unassigned',
  178: 'Unassigned', 179: 'Unassigned', 180: 'Unassigned', 181: 'Unassigned', 182: 'Unassigned', 183: 'Unassigned',
  184: 'Unassigned', 185: 'Unassigned', 186: 'Unassigned', 187: 'Unassigned', 188: 'Unassigned', 189: 'Unassigned',
  190: 'Unassigned', 191: 'Unassigned', 192: 'Unassigned', 193: 'Unassigned', 194: 'Unassigned', 195: 'Unassigned',
  196: 'Unassigned', 197: 'Unassigned', 198: 'Unassigned', 199: 'Unassigned', 200: 'Unassigned', 201: 'Unassigned',
  202: 'Unassigned', 203: 'Unassigned', 204: 'Unassigned', 205: 'Unassigned', 206: 'Unassigned', 207: 'Unassigned',
  208: 'Unassigned', 209: 'Unassigned', 210: 'Unassigned', 211: 'Unassigned', 212: 'Unassigned', 213: 'Unassigned',
  214: 'Unassigned', 215: 'Unassigned', 216: 'Unassigned', 217: 'Unassigned', 218: 'Unassigned', 219: 'Unassigned',
  220: 'Unassigned', 221: 'Unassigned', 222: 'Unassigned', 223: 'Unassigned', 224: 'Novell NCS Heartbeat',
};

/** DSCP names (`Differentiated Services Codepoint: Default (0)`). */
export const DSCP_NAMES: Readonly<Record<number, string>> = {
  0: 'Default', 1: 'Lower Effort', 8: 'Class Selector 1', 10: 'Assured Forwarding 11', 12: 'Assured Forwarding 12',
  14: 'Assured Forwarding 13', 16: 'Class Selector 2', 18: 'Assured Forwarding 21', 20: 'Assured Forwarding 22',
  22: 'Assured Forwarding 23', 24: 'Class Selector 3', 26: 'Assured Forwarding 31', 28: 'Assured Forwarding 32',
  30: 'Assured Forwarding 33', 32: 'Class Selector 4', 34: 'Assured Forwarding 41', 36: 'Assured Forwarding 42',
  38: 'Assured Forwarding 43', 40: 'Class Selector 5', 44: 'Voice Admit', 46: 'Expedited Forwarding',
  48: 'Class Selector 6', 56: 'Class Selector 7',
};

/** Short DSCP names for the DS field summary (`(DSCP: CS0, ECN: Not-ECT)`); others print `Unknown`. */
export const DSCP_SHORT: Readonly<Record<number, string>> = {
  0: 'CS0', 1: 'LE', 8: 'CS1', 10: 'AF11', 12: 'AF12', 14: 'AF13', 16: 'CS2', 18: 'AF21', 20: 'AF22', 22: 'AF23',
  24: 'CS3', 26: 'AF31', 28: 'AF32', 30: 'AF33', 32: 'CS4', 34: 'AF41', 36: 'AF42', 38: 'AF43', 40: 'CS5', 44: 'VA',
  46: 'EF PHB', 48: 'CS6', 56: 'CS7',
};

export const ECN_NAMES: Readonly<Record<number, string>> = {
  0: 'Not ECN-Capable Transport', 1: "ECN-Capable Transport codepoint '01'", 2: "ECN-Capable Transport codepoint '10'", 3: 'Congestion Experienced',
};

export const ECN_SHORT: Readonly<Record<number, string>> = { 0: 'Not-ECT', 1: 'ECT(1)', 2: 'ECT(0)', 3: 'CE' };

/** Option numbers (the low 5 bits of the type), as `ip.opt.type.number` names them. */
export const IPOPT_NUMBERS: Readonly<Record<number, string>> = {
  0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 2: 'Security', 3: 'Loose source route', 4: 'Time stamp',
  5: 'Extended security', 6: 'Commercial IP security option', 7: 'Record route', 8: 'Stream identifier',
  9: 'Strict source route', 10: 'Experimental Measurement', 11: 'MTU probe', 12: 'MTU Reply',
  13: 'Experimental Flow Control', 14: 'Experimental Access Control', 15: 'Ask Estrin', 16: 'IMI Traffic Descriptor',
  17: 'Extended Internet Protocol', 18: 'Traceroute', 19: 'Address Extension', 20: 'Router Alert',
  21: 'Selective Directed Broadcast', 22: 'Unassigned', 23: 'Dynamic Packet State', 24: 'Upstream Multicast Packet',
  25: 'Quick-Start', 30: 'RFC 3692-style experiment',
};

const SET: readonly [string, string] = ['Set', 'Not set'];

export const ipTable = defineFields(
  { abbrev: 'ip', name: 'Internet Protocol Version 4', desc: 'The network layer: carries a datagram from its source host to its destination host across routers' },
  {
    version: { abbrev: 'ip.version', name: 'Version', type: 'UINT8', base: 'DEC', bitmask: 0xf0, offset: 0, width: 1, desc: 'IP version: 4 for IPv4' },
    hdr_len: { abbrev: 'ip.hdr_len', name: 'Header Length', type: 'UINT8', base: 'DEC', bitmask: 0x0f, offset: 0, width: 1, scale: 4, unit: ' bytes', auto: 'length', desc: 'Header length in 32-bit words (5 = 20 bytes, more when options follow)' },
    dsfield: { abbrev: 'ip.dsfield', name: 'Differentiated Services Field', type: 'UINT8', base: 'HEX', offset: 1, width: 1, desc: 'Quality-of-service marking (formerly Type of Service)' },
    dscp: { abbrev: 'ip.dsfield.dscp', name: 'Differentiated Services Codepoint', type: 'UINT8', base: 'DEC', bitmask: 0xfc, offset: 1, width: 1, strings: DSCP_NAMES, desc: 'DSCP: the forwarding class routers should give the datagram' },
    ecn: { abbrev: 'ip.dsfield.ecn', name: 'Explicit Congestion Notification', type: 'UINT8', base: 'DEC', bitmask: 0x03, offset: 1, width: 1, strings: ECN_NAMES, desc: 'ECN: lets routers signal congestion without dropping the datagram' },
    len: { abbrev: 'ip.len', name: 'Total Length', type: 'UINT16', base: 'DEC', offset: 2, width: 2, auto: 'length', desc: 'Length of the whole datagram, header and data, in bytes' },
    id: { abbrev: 'ip.id', name: 'Identification', type: 'UINT16', base: 'HEX_DEC', offset: 4, width: 2, desc: 'Identifies the fragments of one datagram so the receiver can reassemble them' },
    flags: { abbrev: 'ip.flags', name: 'Flags', type: 'UINT8', base: 'HEX', bitmask: 0xe0, offset: 6, width: 1, desc: 'Fragmentation control flags' },
    rb: { abbrev: 'ip.flags.rb', name: 'Reserved bit', type: 'BOOLEAN', bitmask: 0x80, offset: 6, width: 1, tfs: SET, desc: 'Reserved, must be zero (the "evil bit" of RFC 3514)' },
    df: { abbrev: 'ip.flags.df', name: "Don't fragment", type: 'BOOLEAN', bitmask: 0x40, offset: 6, width: 1, tfs: SET, desc: "Don't Fragment: routers must drop rather than fragment (used by path MTU discovery)" },
    mf: { abbrev: 'ip.flags.mf', name: 'More fragments', type: 'BOOLEAN', bitmask: 0x20, offset: 6, width: 1, tfs: SET, desc: 'More Fragments: set on every fragment but the last' },
    frag_offset: { abbrev: 'ip.frag_offset', name: 'Fragment Offset', type: 'UINT16', base: 'DEC', bitmask: 0x1fff, offset: 6, width: 2, desc: 'Where this fragment belongs in the original datagram, in units of 8 bytes' },
    ttl: { abbrev: 'ip.ttl', name: 'Time to Live', type: 'UINT8', base: 'DEC', offset: 8, width: 1, desc: 'Time to Live: hops left before a router drops the datagram' },
    proto: { abbrev: 'ip.proto', name: 'Protocol', type: 'UINT8', base: 'DEC', strings: IP_PROTOCOLS, offset: 9, width: 1, auto: 'next', desc: 'Which protocol the data carries (1 ICMP, 6 TCP, 17 UDP)' },
    checksum: { abbrev: 'ip.checksum', name: 'Header Checksum', type: 'UINT16', base: 'HEX', offset: 10, width: 2, auto: 'checksum', desc: "One's-complement checksum of the header only; routers recompute it as the TTL changes" },
    checksum_calculated: { abbrev: 'ip.checksum_calculated', name: 'Calculated Checksum', type: 'UINT16', base: 'HEX', desc: 'The checksum the header should carry' },
    checksum_status: { abbrev: 'ip.checksum.status', name: 'Header checksum status', type: 'UINT8', base: 'NONE', strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' }, desc: 'Whether the header checksum is right' },
    src: { abbrev: 'ip.src', name: 'Source Address', type: 'IPv4', offset: 12, width: 4, desc: 'Address of the host that sent the datagram' },
    dst: { abbrev: 'ip.dst', name: 'Destination Address', type: 'IPv4', offset: 16, width: 4, desc: 'Address of the host the datagram is for (with a source route: its final destination)' },
    cur_rt: { abbrev: 'ip.cur_rt', name: 'Current Route', type: 'IPv4', desc: 'With an unfinished source route: the hop the datagram is going to now (the header destination)' },
    cur_rt_host: { abbrev: 'ip.cur_rt_host', name: 'Current Route Host', type: 'STRING', desc: 'The current route address as a host name' },
    addr: { abbrev: 'ip.addr', name: 'Source or Destination Address', type: 'IPv4', desc: 'Either address (for filters: ip.addr == 10.0.0.1)' },
    src_host: { abbrev: 'ip.src_host', name: 'Source Host', type: 'STRING', desc: 'Source address as a host name (never resolved by wirelens)' },
    dst_host: { abbrev: 'ip.dst_host', name: 'Destination Host', type: 'STRING', desc: 'Destination address as a host name' },
    host: { abbrev: 'ip.host', name: 'Source or Destination Host', type: 'STRING', desc: 'Either host name' },
    opt_type: { abbrev: 'ip.opt.type', name: 'Type', type: 'UINT8', base: 'DEC', desc: 'Option type: copy flag, class and number' },
    opt_copy: { abbrev: 'ip.opt.type.copy', name: 'Copy on fragmentation', type: 'BOOLEAN', bitmask: 0x80, tfs: ['Yes', 'No'], desc: 'Copy the option into every fragment' },
    opt_class: { abbrev: 'ip.opt.type.class', name: 'Class', type: 'UINT8', base: 'DEC', bitmask: 0x60, strings: { 0: 'Control', 1: 'Reserved for future use', 2: 'Debugging and measurement', 3: 'Reserved for future use' }, desc: 'Option class' },
    opt_number: { abbrev: 'ip.opt.type.number', name: 'Number', type: 'UINT8', base: 'DEC', bitmask: 0x1f, strings: IPOPT_NUMBERS, desc: 'Option number' },
    opt_len: { abbrev: 'ip.opt.len', name: 'Length', type: 'UINT8', base: 'DEC', auto: 'length', desc: 'Length of the option, type and length bytes included' },
    opt_ptr: { abbrev: 'ip.opt.ptr', name: 'Pointer', type: 'UINT8', base: 'DEC', desc: 'Where the next address or time stamp goes, from the option start (1-based)' },
    opt_sid: { abbrev: 'ip.opt.sid', name: 'Stream Identifier', type: 'UINT16', base: 'DEC', desc: 'SATNET stream identifier (obsolete)' },
    opt_ra: { abbrev: 'ip.opt.ra', name: 'Router Alert', type: 'UINT16', base: 'DEC', strings: { 0: 'Router shall examine packet' }, desc: 'Routers on the path should look at this datagram (RFC 2113)' },
    rec_rt: { abbrev: 'ip.rec_rt', name: 'Recorded Route', type: 'IPv4', desc: 'An address recorded by a router on the path (or a source-route hop already visited)' },
    rec_rt_host: { abbrev: 'ip.rec_rt_host', name: 'Recorded Route Host', type: 'STRING', desc: 'A recorded route address as a host name' },
    empty_rt: { abbrev: 'ip.empty_rt', name: 'Empty Route', type: 'IPv4', desc: 'A slot for a route address not yet filled' },
    empty_rt_host: { abbrev: 'ip.empty_rt_host', name: 'Empty Route Host', type: 'STRING', desc: 'An empty route slot as a host name' },
    src_rt: { abbrev: 'ip.src_rt', name: 'Source Route', type: 'IPv4', desc: 'A source-route hop still to visit' },
    src_rt_host: { abbrev: 'ip.src_rt_host', name: 'Source Route Host', type: 'STRING', desc: 'A source-route hop as a host name' },
    opt_overflow: { abbrev: 'ip.opt.overflow', name: 'Overflow', type: 'UINT8', base: 'DEC', bitmask: 0xf0, desc: 'Routers that could not add a time stamp for lack of room' },
    opt_flag: { abbrev: 'ip.opt.flag', name: 'Flag', type: 'UINT8', base: 'HEX', bitmask: 0x0f, strings: { 0: 'Time stamps only', 1: 'Time stamp and address', 3: 'Time stamps for prespecified addresses' }, desc: 'What each time stamp entry holds' },
    opt_time_stamp: { abbrev: 'ip.opt.time_stamp', name: 'Time stamp', type: 'UINT32', base: 'DEC', desc: 'Milliseconds since midnight UT' },
    opt_time_stamp_addr: { abbrev: 'ip.opt.time_stamp_addr', name: 'Address', type: 'IPv4', desc: 'Router that added the time stamp' },
    opt_sec_rfc791_sec: { abbrev: 'ip.opt.sec_rfc791_sec', name: 'Security', type: 'UINT16', base: 'HEX', strings: { 0x0: 'Unclassified', 0xf135: 'Confidential', 0x789a: 'EFTO', 0xbc4d: 'MMMM', 0x5e26: 'PROG', 0xaf13: 'Restricted', 0xd788: 'Secret', 0x6bc5: 'Top secret' }, desc: 'RFC 791 security level' },
    opt_sec_rfc791_comp: { abbrev: 'ip.opt.sec_rfc791_comp', name: 'Compartments', type: 'UINT16', base: 'DEC', desc: 'RFC 791 compartments (0 when not compartmented)' },
    opt_sec_rfc791_hr: { abbrev: 'ip.opt.sec_rfc791_hr', name: 'Handling Restrictions', type: 'STRING', desc: 'RFC 791 handling restrictions' },
    opt_sec_rfc791_tcc: { abbrev: 'ip.opt.sec_rfc791_tcc', name: 'Transmission Control Code', type: 'STRING', desc: 'RFC 791 transmission control code' },
    opt_sec_cl: { abbrev: 'ip.opt.sec_cl', name: 'Classification Level', type: 'UINT8', base: 'HEX', strings: { 0x01: 'Reserved 4', 0x3d: 'Top secret', 0x5a: 'Secret', 0x96: 'Confidential', 0x66: 'Reserved 3', 0xcc: 'Reserved 2', 0xab: 'Unclassified', 0xf1: 'Reserved 1' }, desc: 'RFC 1108 security classification' },
    cipso_doi: { abbrev: 'ip.cipso.doi', name: 'DOI', type: 'UINT32', base: 'DEC', desc: 'CIPSO domain of interpretation' },
    opt_padding: { abbrev: 'ip.opt.padding', name: 'Padding', type: 'BYTES', desc: 'Option bytes after the end-of-options marker' },
    opt_len_invalid: { abbrev: 'ip.opt.len.invalid', name: 'Invalid length for option', type: 'NONE', desc: 'An option length that cannot be right' },
  },
);

/** The option wrappers, registered by tshark as protocols (`ip.options.record_route`...). */
const optProto = (abbrev: string, name: string, desc: string): FieldDef => ({ abbrev, name, type: 'PROTOCOL', desc });
export const IPOPT_PROTOS: Readonly<Record<number, FieldDef>> = {
  0: optProto('ip.options.eol', 'End of Options List (EOL)', 'Marks the end of the options; the rest of the header is padding'),
  1: optProto('ip.options.nop', 'No-Operation (NOP)', 'One byte of padding between options'),
  130: optProto('ip.options.security', 'Security', 'Security label (RFC 791, RFC 1108)'),
  131: optProto('ip.options.route', 'Loose Source Route', 'Hops the datagram must visit, others allowed in between'),
  68: optProto('ip.options.timestamp', 'Time Stamp', 'Routers on the path add time stamps'),
  133: optProto('ip.options.ext_security', 'Extended Security', 'Additional security information (RFC 1108)'),
  134: optProto('ip.options.cipso', 'Commercial Security', 'Commercial IP security option (CIPSO)'),
  7: optProto('ip.options.record_route', 'Record Route', 'Routers on the path add their address'),
  136: optProto('ip.options.sid', 'Stream ID', 'SATNET stream identifier (obsolete)'),
  137: optProto('ip.options.source_route', 'Strict Source Route', 'The exact hops the datagram must visit'),
  11: optProto('ip.options.mtu_probe', 'MTU Probe', 'Path MTU probe (RFC 1063, obsolete)'),
  12: optProto('ip.options.mtu_reply', 'MTU Reply', 'Path MTU reply (RFC 1063, obsolete)'),
  82: optProto('ip.options.traceroute', 'Traceroute', 'Traceroute using an IP option (RFC 1393)'),
  148: optProto('ip.options.routeralert', 'Router Alert', 'Routers on the path should examine the datagram (RFC 2113)'),
  149: optProto('ip.options.sdb', 'Selective Directed Broadcast', 'Selective directed broadcast mode'),
  25: optProto('ip.options.qs', 'Quick-Start', 'Quick-Start rate request (RFC 4782)'),
};

const fixed = compileHeader(ipTable);
/** `{ options, checksumStatus }` with the fixed fields read after them, in one allocation. */
const makeValue = fixed.creator(['options', 'checksumStatus']);
const F = ipTable.fields;

/**
 * An IPv4 option. Typed cases are used only when the option has exactly the layout its type defines; anything
 * else (unknown types, odd lengths, an option running past the header) is a `tlv` keeping its bytes, with `len`
 * set when the length byte disagrees with the data kept.
 */
export type IPv4Option =
  | { kind: 'eol' }
  | { kind: 'nop' }
  /** Record route (7), loose (131) or strict (137) source route. */
  | { kind: 'route'; type: 7 | 131 | 137; pointer: number; addresses: string[] }
  | { kind: 'router-alert'; value: number }
  | { kind: 'stream-id'; id: number }
  /** Time stamp (68): pointer, overflow, flag and the entry bytes as on the wire. */
  | { kind: 'timestamp'; pointer: number; overflow: number; flag: number; data: Uint8Array }
  /** Any other option with a length byte: type, the length byte when it disagrees, and the data. */
  | { kind: 'tlv'; type: number; len?: number; data: Uint8Array };

export interface IPv4Value {
  version: number;
  hdr_len: number;
  dsfield: number;
  dscp: number;
  ecn: number;
  len: number;
  id: number;
  flags: number;
  rb: boolean;
  df: boolean;
  mf: boolean;
  frag_offset: number;
  ttl: number;
  proto: number;
  checksum: number;
  src: string;
  dst: string;
  options: IPv4Option[];
  /** Bytes after an EOL option up to the header end. */
  optPadding?: Uint8Array;
  /** Checksum verification: good, bad, or not checked (header not captured whole). */
  checksumStatus: 'good' | 'bad' | 'unchecked';
  /** The checksum the header should carry. */
  checksumCalculated?: number;
  /** With a zero total length (TCP segmentation offload): the length tshark assumes, up to the frame end. */
  tsoLength?: number;
}

export interface IPv4Input {
  /**
   * A header wirelens cannot decode (bad version, header or total length): these bytes are written as they are,
   * the other fields ignored. `toInput` sets it so such a layer re-encodes to its original bytes.
   */
  verbatim?: Uint8Array;
  version?: number;
  hdr_len?: number;
  dscp?: number;
  ecn?: number;
  len?: number;
  id?: number;
  rb?: boolean;
  df?: boolean;
  mf?: boolean;
  frag_offset?: number;
  ttl?: number;
  proto?: number;
  checksum?: number;
  src?: string;
  dst?: string;
  options?: IPv4Option[];
  optPadding?: Uint8Array;
}

function optType(o: IPv4Option): number {
  switch (o.kind) {
    case 'eol':
      return 0;
    case 'nop':
      return 1;
    case 'route':
      return o.type;
    case 'router-alert':
      return 148;
    case 'stream-id':
      return 136;
    case 'timestamp':
      return 68;
    case 'tlv':
      return o.type;
  }
}

/** Bytes of the option after its type and length bytes (-1 for the one-byte options). */
function optDataLength(o: IPv4Option): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return -1;
    case 'route':
      return 1 + 4 * o.addresses.length;
    case 'router-alert':
    case 'stream-id':
      return 2;
    case 'timestamp':
      return 2 + o.data.length;
    case 'tlv':
      return o.data.length;
  }
}

function optLength(o: IPv4Option): number {
  const d = optDataLength(o);
  if (d < 0) return 1;
  if (o.kind === 'tlv' && o.len === -1) return 1; // a type byte with no room for its length
  return 2 + d;
}

function parseOptions(b: Uint8Array, start: number, end: number, v: IPv4Value, problems: Problem[]): void {
  let i = start;
  while (i < end) {
    const t = b[i]!;
    if (t === 0) {
      v.options.push({ kind: 'eol' });
      i++;
      if (i < end) v.optPadding = b.subarray(i, end);
      return;
    }
    if (t === 1) {
      v.options.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= end) {
      problems.push(problem('ip', 'truncated', i, end, `IPv4 option ${t} has no length byte`, { field: 'ip.opt.len', limitedBy: 'ip.hdr_len', severity: 'warning' }));
      v.options.push({ kind: 'tlv', type: t, len: -1, data: b.subarray(end, end) });
      return;
    }
    const len = b[i + 1]!;
    if (len < 2 || i + len > end) {
      problems.push(
        problem('ip', 'bad-length', i + 1, i + 2, `IPv4 option ${t} length ${len} ${len < 2 ? 'is less than 2' : 'goes past the end of the header'}`, {
          field: 'ip.opt.len',
          actual: len,
          limitedBy: 'ip.hdr_len',
          severity: 'warning',
        }),
      );
      v.options.push({ kind: 'tlv', type: t, len, data: b.subarray(i + 2, end) });
      return;
    }
    const d = i + 2;
    const data = b.subarray(d, i + len);
    if ((t === 7 || t === 131 || t === 137) && len >= 3 && (len - 3) % 4 === 0) {
      const addresses: string[] = [];
      for (let a = d + 1; a + 4 <= i + len; a += 4) addresses.push(ipv4ToString(b, a));
      v.options.push({ kind: 'route', type: t, pointer: b[d]!, addresses });
    } else if (t === 148 && len === 4) v.options.push({ kind: 'router-alert', value: readUint(b, d, 2) });
    else if (t === 136 && len === 4) v.options.push({ kind: 'stream-id', id: readUint(b, d, 2) });
    else if (t === 68 && len >= 4) v.options.push({ kind: 'timestamp', pointer: b[d]!, overflow: b[d + 1]! >> 4, flag: b[d + 1]! & 15, data: b.subarray(d + 2, i + len) });
    else v.options.push({ kind: 'tlv', type: t, data });
    i += len;
  }
}

/** Index of the last address of an unfinished source route, and the option, if any (tshark's Current Route). */
function unfinishedRoute(v: IPv4Value): { pointer: number; addresses: string[] } | undefined {
  for (const o of v.options) {
    if (o.kind === 'route' && o.type !== 7 && o.addresses.length > 0 && o.pointer <= 3 + 4 * o.addresses.length) return o;
  }
  return undefined;
}

function hidden(def: FieldDef, start: number, value: string): FieldNode {
  return { def, start, len: 4, value, hidden: true };
}

function optionNodes(b: Uint8Array, start: number, v: IPv4Value): { nodes: FieldNode[]; names: string[] } {
  const nodes: FieldNode[] = [];
  const names: string[] = [];
  let i = start;
  for (const o of v.options) {
    const type = optType(o);
    const len = optLength(o);
    const proto = IPOPT_PROTOS[type];
    if (o.kind === 'tlv' && (o.len !== undefined || !proto)) {
      // tshark shows these as a text line without fields.
      const name = proto?.name ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`;
      const text =
        o.len === -1
          ? `${name} (length byte past end of options)`
          : o.len !== undefined && o.len < 2
            ? `${name} (with too-short option length = ${o.len} bytes)`
            : o.len !== undefined
              ? `${name} (option length = ${o.len} bytes says option goes past end of options)`
              : `${name} (${len} bytes)`;
      nodes.push(o.len !== undefined && o.len >= 0 && o.len < 2 ? { def: F.opt_len_invalid, start: i, len, value: null, text } : { def: ipTable.proto, start: i, len, value: null, text });
      i += len;
      continue;
    }
    const children: FieldNode[] = [
      {
        def: F.opt_type,
        start: i,
        len: 1,
        value: type,
        children: [
          { def: F.opt_copy, start: i, len: 1, value: (type & 0x80) !== 0, bitmask: 0x80 },
          { def: F.opt_class, start: i, len: 1, value: (type >> 5) & 3, bitmask: 0x60 },
          { def: F.opt_number, start: i, len: 1, value: type & 0x1f, bitmask: 0x1f },
        ],
      },
    ];
    const name = proto!.name;
    let text = `IP Option - ${name}`;
    if (o.kind !== 'eol' && o.kind !== 'nop') {
      text += ` (${len} bytes)`;
      names.push(name);
      children.push({ def: F.opt_len, start: i + 1, len: 1, value: len });
    }
    const d = i + 2;
    switch (o.kind) {
      case 'route': {
        children.push({ def: F.opt_ptr, start: d, len: 1, value: o.pointer });
        const unfinished = o.pointer <= 3 + 4 * o.addresses.length;
        o.addresses.forEach((a, k) => {
          const at = d + 1 + 4 * k;
          const slot = 4 + 4 * k; // the pointer value that designates this slot
          const isNext = slot === o.pointer;
          if (o.type === 7) {
            if (slot < o.pointer) children.push({ def: F.rec_rt, start: at, len: 4, value: a }, hidden(F.rec_rt_host, at, a));
            else children.push({ def: F.empty_rt, start: at, len: 4, value: a, ...(isNext ? { text: `Empty Route: ${a} <- (next)` } : {}) }, hidden(F.empty_rt_host, at, a));
          } else if (!unfinished || slot < o.pointer) {
            children.push({ def: F.rec_rt, start: at, len: 4, value: a }, hidden(F.rec_rt_host, at, a));
          } else if (k === o.addresses.length - 1) {
            children.push({ def: F.dst, start: at, len: 4, value: a }, hidden(F.addr, at, a), hidden(F.dst_host, at, a), hidden(F.host, at, a));
          } else {
            children.push({ def: F.src_rt, start: at, len: 4, value: a, ...(isNext ? { text: `Source Route: ${a} <- (next)` } : {}) }, hidden(F.src_rt_host, at, a));
          }
        });
        break;
      }
      case 'router-alert': {
        const vs = o.value === 0 ? 'Router shall examine packet' : 'Reserved';
        text += `: ${vs} (${o.value})`;
        children.push({ def: F.opt_ra, start: d, len: 2, value: o.value, text: `Router Alert: ${vs} (${o.value})` });
        break;
      }
      case 'stream-id':
        children.push({ def: F.opt_sid, start: d, len: 2, value: o.id });
        break;
      case 'timestamp': {
        children.push({ def: F.opt_ptr, start: d, len: 1, value: o.pointer });
        children.push({ def: F.opt_overflow, start: d + 1, len: 1, value: o.overflow, bitmask: 0xf0 });
        const flagName = (F.opt_flag.strings as Record<number, string>)[o.flag];
        children.push({ def: F.opt_flag, start: d + 1, len: 1, value: o.flag, bitmask: 0x0f, text: `.... ${o.flag.toString(2).padStart(4, '0')} = Flag: ${flagName ? `${flagName} (0x${o.flag.toString(16)})` : `0x${o.flag.toString(16)}`}` });
        const withAddr = o.flag !== 0;
        const step = withAddr ? 8 : 4;
        for (let a = 0; a + step <= o.data.length; a += step) {
          if (withAddr) {
            const addr = ipv4ToString(o.data, a);
            children.push({ def: F.opt_time_stamp_addr, start: d + 2 + a, len: 4, value: addr, ...(addr === '0.0.0.0' ? { text: 'Address: -' } : {}) });
          }
          const ts = a + (withAddr ? 4 : 0);
          children.push({ def: F.opt_time_stamp, start: d + 2 + ts, len: 4, value: readUint(o.data, ts, 4) });
        }
        break;
      }
      case 'tlv':
        if (type === 130 && o.data.length === 9) {
          children.push({ def: F.opt_sec_rfc791_sec, start: d, len: 2, value: readUint(o.data, 0, 2) });
          children.push({ def: F.opt_sec_rfc791_comp, start: d + 2, len: 2, value: readUint(o.data, 2, 2) });
          children.push({ def: F.opt_sec_rfc791_hr, start: d + 4, len: 2, value: printable(o.data.subarray(4, 6)) });
          children.push({ def: F.opt_sec_rfc791_tcc, start: d + 6, len: 3, value: printable(o.data.subarray(6, 9)) });
        } else if (type === 130 && o.data.length >= 1) {
          children.push({ def: F.opt_sec_cl, start: d, len: 1, value: o.data[0]! });
        } else if (type === 134 && o.data.length >= 4) {
          children.push({ def: F.cipso_doi, start: d, len: 4, value: readUint(o.data, 0, 4) });
        }
        break;
      default:
        break;
    }
    nodes.push({ def: proto!, start: i, len, value: null, text, children });
    i += len;
  }
  return { nodes, names };
}

/** tshark's text for a fixed-size string field: the bytes up to the first NUL. */
function printable(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function optionsLength(opts: readonly IPv4Option[], pad?: Uint8Array): number {
  let n = 0;
  for (const o of opts) n += optLength(o);
  return n + (pad?.length ?? 0);
}

function writeOptions(out: Uint8Array, at: number, opts: readonly IPv4Option[]): number {
  let i = at;
  for (const o of opts) {
    const t = optType(o);
    out[i] = t;
    if (o.kind === 'eol' || o.kind === 'nop') {
      i++;
      continue;
    }
    if (o.kind === 'tlv' && o.len === -1) {
      i++;
      continue;
    }
    const total = optLength(o);
    const lenByte = o.kind === 'tlv' && o.len !== undefined ? o.len : total;
    if (lenByte > 255 || lenByte < 0) throw new EncodeError('ip.opt.len', `option of ${lenByte} bytes does not fit`);
    out[i + 1] = lenByte;
    const d = i + 2;
    switch (o.kind) {
      case 'route': {
        if (!Number.isInteger(o.pointer) || o.pointer < 0 || o.pointer > 255) throw new EncodeError('ip.opt.ptr', `${o.pointer} does not fit in 8 bits`);
        out[d] = o.pointer;
        o.addresses.forEach((a, k) => {
          const bytes = parseIPv4(a);
          if (!bytes) throw new EncodeError('ip.rec_rt', `not a valid IPv4 address: ${a}`);
          out.set(bytes, d + 1 + 4 * k);
        });
        break;
      }
      case 'router-alert':
        if (!Number.isInteger(o.value) || o.value < 0 || o.value > 0xffff) throw new EncodeError('ip.opt.ra', `${o.value} does not fit in 16 bits`);
        writeUint(out, d, 2, o.value);
        break;
      case 'stream-id':
        if (!Number.isInteger(o.id) || o.id < 0 || o.id > 0xffff) throw new EncodeError('ip.opt.sid', `${o.id} does not fit in 16 bits`);
        writeUint(out, d, 2, o.id);
        break;
      case 'timestamp':
        if (!Number.isInteger(o.pointer) || o.pointer < 0 || o.pointer > 255) throw new EncodeError('ip.opt.ptr', `${o.pointer} does not fit in 8 bits`);
        if (!Number.isInteger(o.overflow) || o.overflow < 0 || o.overflow > 15) throw new EncodeError('ip.opt.overflow', `${o.overflow} does not fit in 4 bits`);
        if (!Number.isInteger(o.flag) || o.flag < 0 || o.flag > 15) throw new EncodeError('ip.opt.flag', `${o.flag} does not fit in 4 bits`);
        out[d] = o.pointer;
        out[d + 1] = (o.overflow << 4) | o.flag;
        out.set(o.data, d + 2);
        break;
      case 'tlv':
        out.set(o.data, d);
        break;
    }
    i += total;
  }
  return i - at;
}

function fragmented(v: IPv4Value): boolean {
  return v.mf || v.frag_offset !== 0;
}

export const ipv4 = defineProtocol<IPv4Value, IPv4Input>({
  name: 'ip',
  shortName: 'IPv4',
  table: ipTable,
  bindings: [
    { table: 'ethertype', key: 0x0800 },
    { table: 'linktype', key: 228 },
    { table: 'ip.proto', key: 4 },
    { table: 'null.family', key: 2 },
  ],
  decode(b, start, end, ctx) {
    const v = makeValue(b, start, end, [], 'unchecked') as unknown as IPv4Value;
    const avail = end - start;
    v.options = [];
    if (avail >= 1 && v.version !== 4) {
      // tshark hands a version-6 datagram to IPv6 at the same offset; other versions end the dissection.
      ctx.problems.push(problem('ip', 'bad-value', start, start + 1, `IPv4 version field is ${v.version}, not 4`, { field: 'ip.version', expected: 4, actual: v.version, severity: 'warning' }));
      if (v.version === 6) return { value: v, headerEnd: start, end, next: [{ proto: 'ipv6' }] };
      return { value: v, headerEnd: end, end };
    }
    if (avail < 20) {
      ctx.problems.push(problem('ip', 'truncated', start, end, `IPv4 header needs 20 bytes, ${Math.max(0, avail)} present`, { expected: 20, actual: Math.max(0, avail), limitedBy: ctx.layers.length ? `${ctx.layers[ctx.layers.length - 1]!.proto.name} payload` : 'frame.cap_len' }));
      return { value: v, headerEnd: end, end };
    }
    const hl = v.hdr_len;
    if (hl < 20) {
      ctx.problems.push(problem('ip', 'bad-length', start, start + 1, `header length ${hl} bytes is less than 20`, { field: 'ip.hdr_len', expected: 20, actual: hl, severity: 'warning' }));
      return { value: v, headerEnd: end, end };
    }
    let hdrEnd = start + hl;
    if (hdrEnd > end) {
      ctx.problems.push(problem('ip', 'truncated', start, end, `header length ${hl} bytes, only ${avail} present`, { field: 'ip.hdr_len', expected: hl, actual: avail, limitedBy: ctx.inError ? 'icmp payload' : 'frame.cap_len' }));
      hdrEnd = end;
    }
    if (hl > 20) parseOptions(b, start + 20, hdrEnd, v, ctx.problems);
    // Checksum over the header, when all of it was captured.
    if (hdrEnd === start + hl) {
      const sum = onesSum(b, start, hdrEnd);
      v.checksumStatus = sum === 0xffff ? 'good' : 'bad';
      v.checksumCalculated = ~fold(onesSum(b, start, start + 10) + onesSum(b, start + 12, hdrEnd)) & 0xffff;
      if (v.checksumStatus === 'bad' && ctx.prefs['ip.check_checksum']) {
        ctx.problems.push(problem('ip', 'bad-checksum', start + 10, start + 12, `header checksum 0x${v.checksum.toString(16).padStart(4, '0')} is wrong, should be 0x${v.checksumCalculated.toString(16).padStart(4, '0')}`, { field: 'ip.checksum', expected: v.checksumCalculated, actual: v.checksum }));
      }
    }
    // The datagram ends at ip.len; bytes after it belong to the link layer (padding, trailer).
    let pduEnd = start + v.len;
    if (v.len === 0) {
      // TSO: a zero total length means "the rest of the frame" (tshark shows the reported length).
      v.tsoLength = Math.max(0, (end === b.length ? ctx.wireLen - b.length : 0) + end - start);
    }
    if (v.len < hl) {
      if (v.len !== 0) {
        // tshark stops at a total length shorter than the header: nothing after it is decoded.
        if (!ctx.inError) ctx.problems.push(problem('ip', 'bad-length', start + 2, start + 4, `total length ${v.len} is less than the header length ${hl}`, { field: 'ip.len', expected: hl, actual: v.len, severity: 'warning' }));
        return { value: v, headerEnd: end, end };
      }
      pduEnd = end; // TSO-style zero length: take what is there
    } else if (pduEnd > end) {
      const snapCut = end === b.length && b.length < ctx.wireLen;
      if (!ctx.inError && !snapCut) {
        ctx.problems.push(problem('ip', 'bad-length', start + 2, start + 4, `total length ${v.len} goes past the end of the data (${avail} bytes)`, { field: 'ip.len', expected: v.len, actual: avail, limitedBy: 'frame.len', severity: 'warning' }));
      }
      pduEnd = end;
    }
    // Only the first fragment carries the upper-layer header. With ip.defragment on, the dissector
    // (src/dissect/dissect.ts) reassembles the datagram from `fragment` and decodes the upper layers on the
    // frame that completes it; with it off, the first fragment is decoded as far as its bytes go.
    const next: { table: string; key: number }[] = v.frag_offset === 0 ? [{ table: 'ip.proto', key: v.proto }] : [];
    const headerEnd = Math.min(hdrEnd, pduEnd);
    if (fragmented(v)) {
      const fragment = { key: `ip ${v.src} ${v.dst} ${v.id} ${v.proto}`, offset: v.frag_offset * 8, more: v.mf, next: [{ table: 'ip.proto', key: v.proto }], pref: 'ip.defragment' as const };
      return { value: v, headerEnd, end: pduEnd, next, fragment };
    }
    return { value: v, headerEnd, end: pduEnd, next };
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    if (v.version !== 4 || (v.hdr_len !== undefined && v.hdr_len < 20)) {
      // tshark shows only the version (and a bad header length) of a datagram it cannot decode.
      return fixed.nodes(b, s, Math.min(layer.end, s + 1), v as unknown as Record<string, unknown>).filter((n) => n.def === F.version || (v.version === 4 && n.def === F.hdr_len));
    }
    const bogusLen = v.len !== undefined && v.len !== 0 && v.len < v.hdr_len;
    // With options not captured whole, tshark stops before the destination (it looks for a source route first).
    const optsCut = v.hdr_len > 20 && layer.headerEnd < s + v.hdr_len;
    const noOptBytes = optsCut && layer.headerEnd <= s + 20;
    const nodes = fixed.nodes(b, s, bogusLen ? s + 4 : layer.headerEnd, v as unknown as Record<string, unknown>).filter((n) => !(noOptBytes && n.def === F.dst) && !(bogusLen && n.def === F.id));
    const out: FieldNode[] = [];
    const route = unfinishedRoute(v);
    for (const n of nodes) {
      if (n.def === F.checksum) {
        const check = ctx.prefs['ip.check_checksum'];
        const status = !check || v.checksumStatus === 'unchecked' ? 2 : v.checksumStatus === 'good' ? 1 : 0;
        const hex = `0x${v.checksum.toString(16).padStart(4, '0')}`;
        const note = !check ? '[validation disabled]' : status === 1 ? '[correct]' : status === 0 ? `incorrect, should be 0x${(v.checksumCalculated ?? 0).toString(16).padStart(4, '0')}(may be caused by "IP checksum offload"?)` : '[unverified]';
        out.push({ ...n, text: `Header Checksum: ${hex} ${note}` });
        // tshark 4.0: the status, then the calculated value
        out.push({ def: F.checksum_status, start: n.start, len: 0, value: status, generated: true, text: `[Header checksum status: ${F.checksum_status.strings![status]}]` });
        if (check && v.checksumCalculated !== undefined) out.push({ def: F.checksum_calculated, start: n.start, len: 2, value: v.checksumCalculated, generated: true, text: `[Calculated Checksum: 0x${v.checksumCalculated.toString(16).padStart(4, '0')}]` });
        continue;
      }
      if (n.def === F.flags) {
        const names = [v.rb ? 'Reserved bit' : '', v.df ? "Don't fragment" : '', v.mf ? 'More fragments' : ''].filter(Boolean);
        const bits = `${v.rb ? 1 : 0}${v.df ? 1 : 0}${v.mf ? 1 : 0}. ....`;
        const kids = nodes.filter((k) => k.def === F.rb || k.def === F.df || k.def === F.mf);
        out.push({ ...n, text: `${bits} = Flags: 0x${v.flags.toString(16)}${names.length ? ', ' + names.join(', ') : ''}`, children: kids });
        continue;
      }
      if (n.def === F.rb || n.def === F.df || n.def === F.mf) continue; // nested under the flags above
      if (n.def === F.frag_offset) {
        // tshark's label shows the offset in bytes; the field value (-T fields) stays in 8-byte units.
        const raw = readUint(b, s + 6, 2);
        let bits = '';
        for (let i = 15; i >= 0; i--) bits += (i > 12 ? '.' : String((raw >> i) & 1)) + (i % 4 === 0 && i ? ' ' : '');
        out.push({ ...n, text: `${bits} = Fragment Offset: ${v.frag_offset * 8}` });
        continue;
      }
      if (n.def === F.dsfield) {
        out.push({ ...n, text: `Differentiated Services Field: 0x${v.dsfield.toString(16).padStart(2, '0')} (DSCP: ${DSCP_SHORT[v.dscp] ?? 'Unknown'}, ECN: ${ECN_SHORT[v.ecn]})` });
        continue;
      }
      if (n.def === F.hdr_len) {
        out.push({ ...n, text: `.... ${((v.hdr_len / 4) & 15).toString(2).padStart(4, '0')} = Header Length: ${v.hdr_len} bytes (${v.hdr_len / 4})` });
        continue;
      }
      if (n.def === F.len && bogusLen) {
        out.push({ ...n, text: `Total Length: ${v.len} bytes (bogus, less than header length ${v.hdr_len})` });
        continue;
      }
      if (n.def === F.len && v.tsoLength !== undefined) {
        out.push({ ...n, value: v.tsoLength, text: `Total Length: ${v.tsoLength}` });
        continue;
      }
      if (n.def === F.src) {
        out.push(n, hidden(F.addr, n.start, v.src), hidden(F.src_host, n.start, v.src), hidden(F.host, n.start, v.src));
        continue;
      }
      if (n.def === F.dst) {
        if (route) out.push({ def: F.cur_rt, start: n.start, len: 4, value: v.dst }, hidden(F.cur_rt_host, n.start, v.dst));
        else out.push(n, hidden(F.addr, n.start, v.dst), hidden(F.dst_host, n.start, v.dst), hidden(F.host, n.start, v.dst));
        continue;
      }
      out.push(n);
    }
    // Options not captured whole: tshark gives up on the whole options area.
    if (v.options.length && !optsCut) {
      const optLen = Math.min(optionsLength(v.options, v.optPadding), layer.headerEnd - s - 20);
      const { nodes: kids, names } = optionNodes(b, s + 20, v);
      out.push({ def: ipTable.proto, start: s + 20, len: optLen, value: null, text: `Options: (${optLen} bytes)${names.map((x) => ', ' + x).join('')}`, children: kids });
    }
    return out;
  },
  label(layer) {
    const v = layer.value;
    if (v.version !== undefined && v.version !== 4 && v.version !== 6) return `Internet Protocol, bogus version (${v.version})`;
    if (v.version !== 4 || v.hdr_len < 20 || v.src === undefined) return 'Internet Protocol Version 4';
    if (v.dst === undefined || (v.hdr_len > 20 && layer.headerEnd <= layer.start + 20)) return `Internet Protocol Version 4, Src: ${v.src}`;
    const route = unfinishedRoute(v);
    if (route) return `Internet Protocol Version 4, Src: ${v.src}, Dst: ${route.addresses[route.addresses.length - 1]}, Via: ${v.dst}`;
    return `Internet Protocol Version 4, Src: ${v.src}, Dst: ${v.dst}`;
  },
  // an unfinished source route: the Destination column shows the final destination, as ip.dst does
  // (tshark sets it after the options: with options cut short, only the source is set)
  addresses(layer) {
    const v = layer.value;
    if (layer.headerEnd - layer.start < v.hdr_len) return { src: v.src };
    const route = unfinishedRoute(v);
    return { src: v.src, dst: route ? route.addresses[route.addresses.length - 1] : v.dst };
  },
  summary(layer, ctx) {
    const v = layer.value;
    // Only when the payload is not decoded because of fragmentation (a later fragment, or reassembly on).
    if (!fragmented(v) || v.proto === undefined || (v.frag_offset === 0 && !ctx.prefs['ip.defragment'])) return '';
    return `Fragmented IP protocol (proto=${IP_PROTOCOLS[v.proto] ?? 'Unknown'} ${v.proto}, off=${v.frag_offset * 8}, ID=${v.id.toString(16).padStart(4, '0')})`;
  },
  encode(input, payload, ctx) {
    if (input.verbatim) {
      const out = new Uint8Array(input.verbatim.length + payload.length);
      out.set(input.verbatim, 0);
      out.set(payload, input.verbatim.length);
      return out;
    }
    const opts = input.options ?? [];
    const optLen = optionsLength(opts, input.optPadding);
    const padded = (optLen + 3) & ~3;
    const hl = input.hdr_len ?? 20 + padded;
    const headerBytes = 20 + padded;
    const out = new Uint8Array(headerBytes + payload.length);
    let proto = input.proto;
    if (proto === undefined) {
      const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'ip.proto');
      proto = bind ? bind.key : 0xff;
    }
    const total = input.len ?? out.length;
    if (total > 0xffff) throw new EncodeError('ip.len', `datagram of ${total} bytes does not fit in 16 bits`);
    fixed.write(out, 0, {
      version: input.version ?? 4,
      hdr_len: hl,
      dscp: input.dscp ?? 0,
      ecn: input.ecn ?? 0,
      len: total,
      id: input.id ?? 0,
      rb: input.rb ?? false,
      df: input.df ?? false,
      mf: input.mf ?? false,
      frag_offset: input.frag_offset ?? 0,
      ttl: input.ttl ?? 64,
      proto,
      checksum: 0,
      src: input.src ?? '0.0.0.0',
      dst: input.dst ?? '127.0.0.1',
    });
    const i = 20 + writeOptions(out, 20, opts);
    if (input.optPadding) out.set(input.optPadding, i);
    out.set(payload, headerBytes);
    const cks = input.checksum ?? internetChecksum(out, 0, headerBytes);
    if (!Number.isInteger(cks) || cks < 0 || cks > 0xffff) throw new EncodeError('ip.checksum', `${cks} does not fit in 16 bits`);
    out[10] = cks >> 8;
    out[11] = cks & 0xff;
    return out;
  },
  toInput(layer, frame) {
    const v = layer.value;
    if (v.version !== 4 || v.hdr_len < 20 || layer.headerEnd - layer.start < 20 || (v.len !== 0 && v.len < v.hdr_len)) {
      return { verbatim: frame.subarray(layer.start, layer.headerEnd) };
    }
    const consistentLen = v.len === layer.end - layer.start;
    const input: IPv4Input = {
      version: v.version,
      dscp: v.dscp,
      ecn: v.ecn,
      id: v.id,
      rb: v.rb,
      df: v.df,
      mf: v.mf,
      frag_offset: v.frag_offset,
      ttl: v.ttl,
      proto: v.proto,
      src: v.src,
      dst: v.dst,
      options: v.options,
      ...(v.optPadding ? { optPadding: v.optPadding } : {}),
    };
    if (v.hdr_len !== 20 + ((optionsLength(v.options, v.optPadding) + 3) & ~3)) input.hdr_len = v.hdr_len;
    if (!consistentLen) input.len = v.len;
    if (v.checksumStatus !== 'good') input.checksum = v.checksum;
    return input;
  },
  pseudoHeaderSum(input, protocol, length) {
    const src = parseIPv4(input.src ?? '0.0.0.0');
    let dst = parseIPv4(input.dst ?? '127.0.0.1');
    if (!src || !dst) throw new EncodeError(src ? 'ip.dst' : 'ip.src', 'not a valid IPv4 address');
    // With a source route, the pseudo-header carries the final destination (RFC 791/793).
    for (const o of input.options ?? []) {
      if (o.kind === 'route' && o.type !== 7 && o.addresses.length && o.pointer <= 3 + 4 * o.addresses.length) dst = parseIPv4(o.addresses[o.addresses.length - 1]!) ?? dst;
    }
    return fold(onesSum(src, 0, 4) + onesSum(dst, 0, 4) + protocol + length);
  },
  layerPseudoSum(b, layer, protocol, length) {
    const route = unfinishedRoute(layer.value);
    const dst = route ? parseIPv4(route.addresses[route.addresses.length - 1]!)! : b.subarray(layer.start + 16, layer.start + 20);
    return fold(onesSum(b, layer.start + 12, layer.start + 16) + onesSum(dst, 0, 4) + protocol + length);
  },
});

/** Bytes `ipv4.encode(input, payload)` adds before the payload: 20 plus the options padded to 4 bytes. */
export function ipv4EncodingLength(input: IPv4Input): number {
  return 20 + ((optionsLength(input.options ?? [], input.optPadding) + 3) & ~3);
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
