/**
 * ICMPv6 (RFC 4443): errors quoting the offending packet (decoded as nested layers), echo, neighbor discovery
 * (RFC 4861: router/neighbor solicitation and advertisement, redirect) with its options, and MLD (RFC 2710,
 * RFC 3810) at header level. The checksum covers the IPv6 pseudo-header (final destination with a routing header).
 */
import { ipv6ToString, macToString, parseIPv6 } from '../core/addr.js';
import { onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import { compileHeader, readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { defineProtocol, enclosingPseudoSum } from './types.js';
import type { Layer, TreeContext } from './types.js';
import { createEchoState, shiftedChecksum, trackEcho } from './icmp-match.js';
import type { EchoNotes, EchoState } from './icmp-match.js';

export const ICMPV6_TYPES: Readonly<Record<number, string>> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem', 100: 'Private experimentation',
  101: 'Private experimentation', 127: 'Reserved for expansion of ICMPv6 error messages', 128: 'Echo (ping) request',
  129: 'Echo (ping) reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report', 132: 'Multicast Listener Done',
  133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation', 136: 'Neighbor Advertisement',
  137: 'Redirect', 138: 'Router Renumbering', 139: 'Node Information Query', 140: 'Node Information Reply',
  141: 'Inverse Neighbor Discovery Solicitation', 142: 'Inverse Neighbor Discovery Advertisement',
  143: 'Multicast Listener Report Message v2', 144: 'Home Agent Address Discovery Request', 145: 'Home Agent Address Discovery Reply',
  146: 'Mobile Prefix Solicitation', 147: 'Mobile Prefix Advertisement', 148: 'Certification Path Solicitation',
  149: 'Certification Path Advertisement', 150: 'Experimental Mobility', 151: 'Multicast Router Advertisement',
  152: 'Multicast Router Solicitation', 153: 'Multicast Router Termination', 154: 'FMIPv6', 155: 'RPL Control',
  156: 'Locator Update', 157: 'Duplicate Address Request', 158: 'Duplicate Address Confirmation', 159: 'MPL Control Message',
  160: 'Extended Echo request', 161: 'Extended Echo reply', 200: 'Private experimentation', 201: 'Private experimentation',
  255: 'Reserved for expansion of ICMPv6 informational messages',
};

export const ICMPV6_CODES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    0: 'no route to destination', 1: 'communication with destination administratively prohibited', 2: 'beyond scope of source address',
    3: 'address unreachable', 4: 'Port unreachable', 5: 'source address failed ingress/egress policy', 6: 'reject route to destination',
    7: 'Error in Source Routing Header', 8: 'Headers too long',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: { 0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered', 3: 'IPv6 First Fragment has incomplete IPv6 Header Chain' },
};

export const ND_OPT_TYPES: Readonly<Record<number, string>> = {
  1: 'Source link-layer address', 2: 'Target link-layer address', 3: 'Prefix information', 4: 'Redirected header', 5: 'MTU',
  6: 'NBMA Shortcut Limit Option', 7: 'Advertisement Interval', 8: 'Home Agent Information', 9: 'Source Address List',
  10: 'Target Address List', 11: 'CGA', 12: 'RSA Signature', 13: 'Timestamp', 14: 'Nonce', 15: 'Trust Anchor', 16: 'Certificate',
  17: 'IP Address/Prefix Option', 18: 'New Router Prefix Information', 19: 'Link-layer Address', 20: 'Neighbor Advertisement Acknowledgment',
  23: 'MAP', 24: 'Route Information', 25: 'Recursive DNS Server', 26: 'RA Flags Extension', 27: 'Handover Key Request',
  28: 'Handover Key Reply', 29: 'Handover Assist Information', 30: 'Mobile Node Identifier Option', 31: 'DNS Search List Option',
  32: 'Proxy Signature (PS)', 33: 'Address Registration Option', 34: '6LoWPAN Context Option', 35: 'Authoritative Border Router',
  36: '6LoWPAN Capability Indication Option', 37: 'DHCP Captive-Portal', 38: 'PREF64 Option', 138: 'CARD Request', 139: 'CARD Reply',
  253: 'RFC3692-style Experiment 1', 254: 'RFC3692-style Experiment 2',
};

const MLDR_RECORD_TYPES = { 1: 'Include', 2: 'Exclude', 3: 'Changed to include', 4: 'Changed to exclude', 5: 'Allow new sources', 6: 'Block old sources' };
const PRF = { 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' };
const SET: readonly [string, string] = ['Set', 'Not set'];
const CHECKSUM_STATUS = { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' };

export const icmpv6Table = defineFields(
  { abbrev: 'icmpv6', name: 'Internet Control Message Protocol v6', desc: 'Errors, echo, neighbor discovery and multicast listener discovery for IPv6' },
  {
    type: { abbrev: 'icmpv6.type', name: 'Type', type: 'UINT8', base: 'DEC', strings: ICMPV6_TYPES, offset: 0, width: 1, desc: 'Message type: 1-127 errors, 128-255 informational (128 echo request, 135 neighbor solicitation)' },
    code: { abbrev: 'icmpv6.code', name: 'Code', type: 'UINT8', base: 'DEC', offset: 1, width: 1, desc: 'Subtype of the message' },
    checksum: { abbrev: 'icmpv6.checksum', name: 'Checksum', type: 'UINT16', base: 'HEX', offset: 2, width: 2, auto: 'checksum', desc: "One's-complement checksum over the IPv6 pseudo-header and the whole message (mandatory, unlike ICMP)" },
    checksum_status: { abbrev: 'icmpv6.checksum.status', name: 'Checksum Status', type: 'UINT8', base: 'NONE', strings: CHECKSUM_STATUS, desc: 'Whether the checksum is right' },
    reserved: { abbrev: 'icmpv6.reserved', name: 'Reserved', type: 'BYTES', desc: 'Unused, zero' },
    unknown_data: { abbrev: 'icmpv6.unknown_data', name: 'Unknown Data', type: 'BYTES', desc: 'Message bytes wirelens does not interpret' },
    mtu: { abbrev: 'icmpv6.mtu', name: 'MTU', type: 'UINT32', base: 'DEC', desc: 'Packet Too Big: the MTU of the next link (path MTU discovery)' },
    pointer: { abbrev: 'icmpv6.pointer', name: 'Pointer', type: 'UINT32', base: 'DEC', desc: 'Parameter Problem: the byte of the quoted packet where the problem is' },
    echo_identifier: { abbrev: 'icmpv6.echo.identifier', name: 'Identifier', type: 'UINT16', base: 'HEX', desc: 'Matches replies to requests' },
    echo_sequence: { abbrev: 'icmpv6.echo.sequence_number', name: 'Sequence', type: 'UINT16', base: 'DEC', desc: 'Counts the requests of one ping run' },
    resp_to: { abbrev: 'icmpv6.resp_to', name: 'Response To', type: 'FRAMENUM', base: 'NONE', desc: 'The frame of the echo request this reply answers (same addresses, identifier, sequence number and data)' },
    resptime: { abbrev: 'icmpv6.resptime', name: 'Response Time', type: 'DOUBLE', base: 'NONE', desc: 'Milliseconds between the echo request and this reply' },
    ra_cur_hop_limit: { abbrev: 'icmpv6.nd.ra.cur_hop_limit', name: 'Cur hop limit', type: 'UINT8', base: 'DEC', desc: 'Hop limit hosts should put in the packets they send (0: unspecified)' },
    ra_flag: { abbrev: 'icmpv6.nd.ra.flag', name: 'Flags', type: 'UINT8', base: 'HEX', desc: 'Router advertisement flags' },
    ra_flag_m: { abbrev: 'icmpv6.nd.ra.flag.m', name: 'Managed address configuration', type: 'BOOLEAN', bitmask: 0x80, tfs: SET, desc: 'M: addresses are available from DHCPv6' },
    ra_flag_o: { abbrev: 'icmpv6.nd.ra.flag.o', name: 'Other configuration', type: 'BOOLEAN', bitmask: 0x40, tfs: SET, desc: 'O: other configuration (DNS...) is available from DHCPv6' },
    ra_flag_h: { abbrev: 'icmpv6.nd.ra.flag.h', name: 'Home Agent', type: 'BOOLEAN', bitmask: 0x20, tfs: SET, desc: 'The router is a Mobile IPv6 home agent' },
    ra_flag_prf: { abbrev: 'icmpv6.nd.ra.flag.prf', name: 'Prf (Default Router Preference)', type: 'UINT8', base: 'DEC', bitmask: 0x18, strings: PRF, desc: 'How much to prefer this router as the default router (RFC 4191)' },
    ra_flag_p: { abbrev: 'icmpv6.nd.ra.flag.p', name: 'Proxy', type: 'BOOLEAN', bitmask: 0x04, tfs: SET, desc: 'Neighbor discovery proxy (RFC 4389)' },
    ra_flag_rsv: { abbrev: 'icmpv6.nd.ra.flag.rsv', name: 'Reserved', type: 'UINT8', base: 'DEC', bitmask: 0x03, desc: 'Reserved, zero' },
    ra_router_lifetime: { abbrev: 'icmpv6.nd.ra.router_lifetime', name: 'Router lifetime (s)', type: 'UINT16', base: 'DEC', desc: 'How long this router may be the default router (0: not a default router)' },
    ra_reachable_time: { abbrev: 'icmpv6.nd.ra.reachable_time', name: 'Reachable time (ms)', type: 'UINT32', base: 'DEC', desc: 'How long a neighbor is considered reachable after a confirmation' },
    ra_retrans_timer: { abbrev: 'icmpv6.nd.ra.retrans_timer', name: 'Retrans timer (ms)', type: 'UINT32', base: 'DEC', desc: 'Time between retransmitted neighbor solicitations' },
    ns_target_address: { abbrev: 'icmpv6.nd.ns.target_address', name: 'Target Address', type: 'IPv6', desc: 'The address whose link-layer address is asked for (or checked for duplicates)' },
    na_flag: { abbrev: 'icmpv6.nd.na.flag', name: 'Flags', type: 'UINT32', base: 'HEX', desc: 'Neighbor advertisement flags' },
    na_flag_r: { abbrev: 'icmpv6.nd.na.flag.r', name: 'Router', type: 'BOOLEAN', bitmask: 0x80000000, tfs: SET, desc: 'R: the sender is a router' },
    na_flag_s: { abbrev: 'icmpv6.nd.na.flag.s', name: 'Solicited', type: 'BOOLEAN', bitmask: 0x40000000, tfs: SET, desc: 'S: an answer to a neighbor solicitation' },
    na_flag_o: { abbrev: 'icmpv6.nd.na.flag.o', name: 'Override', type: 'BOOLEAN', bitmask: 0x20000000, tfs: SET, desc: 'O: replace a cached link-layer address' },
    na_flag_rsv: { abbrev: 'icmpv6.nd.na.flag.rsv', name: 'Reserved', type: 'UINT32', base: 'DEC', bitmask: 0x1fffffff, desc: 'Reserved, zero' },
    na_target_address: { abbrev: 'icmpv6.nd.na.target_address', name: 'Target Address', type: 'IPv6', desc: 'The address the advertisement is about' },
    rd_target_address: { abbrev: 'icmpv6.nd.rd.target_address', name: 'Target Address', type: 'IPv6', desc: 'The better first hop for the destination' },
    rd_destination_address: { abbrev: 'icmpv6.rd.na.destination_address', name: 'Destination Address', type: 'IPv6', desc: 'The destination that is redirected' },
    opt: { abbrev: 'icmpv6.opt', name: 'ICMPv6 Option', type: 'NONE', desc: 'A neighbor discovery option: type, length in 8-byte units, data' },
    opt_type: { abbrev: 'icmpv6.opt.type', name: 'Type', type: 'UINT8', base: 'DEC', strings: ND_OPT_TYPES, desc: 'Option type (1 source link-layer address, 3 prefix information, 5 MTU)' },
    opt_length: { abbrev: 'icmpv6.opt.length', name: 'Length', type: 'UINT8', base: 'DEC', auto: 'length', desc: 'Length of the option, type and length bytes included, in units of 8 bytes' },
    opt_reserved: { abbrev: 'icmpv6.opt.reserved', name: 'Reserved', type: 'NONE', desc: 'Unused, zero' },
    opt_padding: { abbrev: 'icmpv6.opt.padding', name: 'Padding', type: 'NONE', desc: 'Zero bytes up to the 8-byte boundary' },
    opt_linkaddr: { abbrev: 'icmpv6.opt.linkaddr', name: 'Link-layer address', type: 'BYTES', desc: 'A link-layer (MAC) address' },
    opt_src_linkaddr: { abbrev: 'icmpv6.opt.src_linkaddr', name: 'Source Link-layer address', type: 'BYTES', desc: 'The link-layer address of the sender' },
    opt_target_linkaddr: { abbrev: 'icmpv6.opt.target_linkaddr', name: 'Target Link-layer address', type: 'BYTES', desc: 'The link-layer address of the target' },
    opt_prefix_length: { abbrev: 'icmpv6.opt.prefix.length', name: 'Prefix Length', type: 'UINT8', base: 'DEC', desc: 'Number of leading bits of the prefix that are valid' },
    opt_prefix_flag: { abbrev: 'icmpv6.opt.prefix.flag', name: 'Flag', type: 'UINT8', base: 'HEX', desc: 'Prefix flags' },
    opt_prefix_flag_l: { abbrev: 'icmpv6.opt.prefix.flag.l', name: 'On-link flag(L)', type: 'BOOLEAN', bitmask: 0x80, tfs: SET, desc: 'Addresses with this prefix are on the link' },
    opt_prefix_flag_a: { abbrev: 'icmpv6.opt.prefix.flag.a', name: 'Autonomous address-configuration flag(A)', type: 'BOOLEAN', bitmask: 0x40, tfs: SET, desc: 'Hosts may form an address from this prefix themselves (SLAAC)' },
    opt_prefix_flag_r: { abbrev: 'icmpv6.opt.prefix.flag.r', name: 'Router address flag(R)', type: 'BOOLEAN', bitmask: 0x20, tfs: SET, desc: 'The prefix field holds a router address (Mobile IPv6)' },
    opt_prefix_flag_reserved: { abbrev: 'icmpv6.opt.prefix.flag.reserved', name: 'Reserved', type: 'UINT8', base: 'DEC', bitmask: 0x1f, desc: 'Reserved, zero' },
    opt_prefix_valid_lifetime: { abbrev: 'icmpv6.opt.prefix.valid_lifetime', name: 'Valid Lifetime', type: 'UINT32', base: 'DEC', desc: 'Seconds the prefix stays valid for on-link determination' },
    opt_prefix_preferred_lifetime: { abbrev: 'icmpv6.opt.prefix.preferred_lifetime', name: 'Preferred Lifetime', type: 'UINT32', base: 'DEC', desc: 'Seconds addresses from the prefix stay preferred' },
    opt_prefix: { abbrev: 'icmpv6.opt.prefix', name: 'Prefix', type: 'IPv6', desc: 'The advertised prefix' },
    opt_redirected_packet: { abbrev: 'icmpv6.opt.redirected_packet', name: 'Redirected Packet', type: 'NONE', desc: 'The start of the packet that caused the redirect' },
    opt_mtu: { abbrev: 'icmpv6.opt.mtu', name: 'MTU', type: 'UINT32', base: 'DEC', desc: 'The MTU hosts should use on the link' },
    opt_advertisement_interval: { abbrev: 'icmpv6.opt.advertisement_interval', name: 'Advertisement Interval', type: 'UINT32', base: 'DEC', desc: 'Milliseconds between unsolicited advertisements (Mobile IPv6)' },
    opt_rdnss_lifetime: { abbrev: 'icmpv6.opt.rdnss.lifetime', name: 'Lifetime', type: 'UINT32', base: 'DEC', desc: 'Seconds the DNS servers may be used' },
    opt_rdnss: { abbrev: 'icmpv6.opt.rdnss', name: 'Recursive DNS Servers', type: 'IPv6', desc: 'A recursive DNS server address (RFC 8106)' },
    opt_dnssl_lifetime: { abbrev: 'icmpv6.opt.dnssl.lifetime', name: 'Lifetime', type: 'UINT32', base: 'DEC', desc: 'Seconds the search list may be used' },
    opt_dnssl: { abbrev: 'icmpv6.opt.dnssl', name: 'Domain Names', type: 'STRING', desc: 'A DNS search domain (RFC 8106)' },
    opt_home_agent_preference: { abbrev: 'icmpv6.opt.home_agent_preference', name: 'Home Agent Preference', type: 'UINT16', base: 'DEC', desc: 'Preference of this home agent (Mobile IPv6)' },
    opt_home_agent_lifetime: { abbrev: 'icmpv6.opt.home_agent_lifetime', name: 'Home Agent Preference', type: 'UINT16', base: 'DEC', desc: 'Seconds the router serves as home agent (tshark labels it "Home Agent Preference")' },
    mld_maximum_response_delay: { abbrev: 'icmpv6.mld.maximum_response_delay', name: 'Maximum Response Delay [ms]', type: 'UINT16', base: 'DEC', desc: 'Longest time a listener may wait before reporting' },
    mld_multicast_address: { abbrev: 'icmpv6.mld.multicast_address', name: 'Multicast Address', type: 'IPv6', desc: 'The multicast group (:: in a general query)' },
    mld_maximum_response_code: { abbrev: 'icmpv6.mld.maximum_response_code', name: 'Maximum Response Code', type: 'UINT16', base: 'DEC', desc: 'MLDv2: encodes the longest time a listener may wait before reporting' },
    mld_flag: { abbrev: 'icmpv6.mld.flag', name: 'Flags', type: 'UINT8', base: 'HEX', desc: 'MLDv2 query flags' },
    mld_flag_s: { abbrev: 'icmpv6.mld.flag.s', name: 'Suppress Router-Side Processing', type: 'BOOLEAN', bitmask: 0x08, desc: 'Routers should not update timers on hearing this query' },
    mld_flag_qrv: { abbrev: 'icmpv6.mld.flag.qrv', name: "QRV (Querier's Robustness Variable)", type: 'UINT8', base: 'DEC', bitmask: 0x07, desc: 'How many losses the querier tolerates' },
    mld_flag_reserved: { abbrev: 'icmpv6.mld.flag.reserved', name: 'Reserved', type: 'UINT8', base: 'DEC', bitmask: 0xf0, desc: 'Reserved, zero' },
    mld_qqi: { abbrev: 'icmpv6.mld.qqi', name: "QQIC (Querier's Query Interval Code)", type: 'UINT8', base: 'DEC', desc: 'Encodes the interval between general queries' },
    mld_nb_sources: { abbrev: 'icmpv6.mld.nb_sources', name: 'Number of Sources', type: 'UINT16', base: 'DEC', desc: 'How many source addresses the query lists' },
    mld_source_address: { abbrev: 'icmpv6.mld.source_address', name: 'Source Address', type: 'IPv6', desc: 'A source the query asks about' },
    mldr_nb_mcast_records: { abbrev: 'icmpv6.mldr.nb_mcast_records', name: 'Number of Multicast Address Records', type: 'UINT16', base: 'DEC', desc: 'How many records the MLDv2 report holds' },
    mldr_mar: { abbrev: 'icmpv6.mldr.mar', name: 'Multicast Address Record', type: 'NONE', desc: 'One group and its sources' },
    mldr_mar_record_type: { abbrev: 'icmpv6.mldr.mar.record_type', name: 'Record Type', type: 'UINT8', base: 'DEC', strings: MLDR_RECORD_TYPES, desc: 'Current state (include/exclude) or a change of it' },
    mldr_mar_aux_data_len: { abbrev: 'icmpv6.mldr.mar.aux_data_len', name: 'Aux Data Len', type: 'UINT8', base: 'DEC', desc: 'Length of the auxiliary data in 32-bit words' },
    mldr_mar_nb_sources: { abbrev: 'icmpv6.mldr.mar.nb_sources', name: 'Number of Sources', type: 'UINT16', base: 'DEC', desc: 'How many sources the record lists' },
    mldr_mar_multicast_address: { abbrev: 'icmpv6.mldr.mar.multicast_address', name: 'Multicast Address', type: 'IPv6', desc: 'The multicast group' },
    mldr_mar_source_address: { abbrev: 'icmpv6.mldr.mar.source_address', name: 'Source Address', type: 'IPv6', desc: 'A source of the group' },
    mldr_mar_auxiliary_data: { abbrev: 'icmpv6.mldr.mar.auxiliary_data', name: 'Auxiliary Data', type: 'BYTES', desc: 'Auxiliary data (none defined)' },
  },
);

const fixed = compileHeader(icmpv6Table);
const F = icmpv6Table.fields;

/** A neighbor discovery option. `len` (8-byte units) is kept only where it disagrees with the data. */
export type NdOption =
  /** Source (1) or target (2) link-layer address: the bytes after type and length (6 for Ethernet, then padding). */
  | { kind: 'lla'; type: 1 | 2; data: Uint8Array }
  | { kind: 'prefix'; prefixLength: number; flags: number; valid: number; preferred: number; reserved: Uint8Array; prefix: string }
  | { kind: 'mtu'; reserved: Uint8Array; mtu: number }
  | { kind: 'rdnss'; reserved: Uint8Array; lifetime: number; servers: string[] }
  | { kind: 'adv-interval'; reserved: Uint8Array; interval: number }
  /** Redirected header: 6 reserved bytes, then the quoted packet (decoded as inner layers when last). */
  | { kind: 'redirected'; reserved: Uint8Array; data?: Uint8Array }
  | { kind: 'unknown'; type: number; len?: number; data: Uint8Array };

export interface MldRecord {
  type: number;
  auxLen: number;
  address: string;
  sources: string[];
  aux: Uint8Array;
}

/** The message-specific part (bytes 4 on), by type. */
export type Icmpv6Body =
  /** Destination unreachable (1), time exceeded (3): 4 unused bytes, then the quoted packet. */
  | { kind: 'error'; reserved: Uint8Array }
  | { kind: 'too-big'; mtu: number }
  | { kind: 'param-problem'; pointer: number }
  | { kind: 'echo'; ident: number; seq: number }
  /** MLDv1 query, report, done (and an MLDv2 query's first 20 bytes when `v2` is set). */
  | { kind: 'mld'; maxDelay: number; reserved: Uint8Array; address: string; v2?: { flags: number; qqic: number; sources: string[] } }
  | { kind: 'mld2-report'; reserved: Uint8Array; records: MldRecord[] }
  | { kind: 'rs'; reserved: Uint8Array; options: NdOption[] }
  | { kind: 'ra'; curHopLimit: number; flags: number; lifetime: number; reachable: number; retrans: number; options: NdOption[] }
  | { kind: 'ns'; reserved: Uint8Array; target: string; options: NdOption[] }
  | { kind: 'na'; flags: number; target: string; options: NdOption[] }
  | { kind: 'redirect'; reserved: Uint8Array; target: string; destination: string; options: NdOption[] }
  /** Other types, or a message too short for its type: the bytes after the checksum. */
  | { kind: 'unknown'; data: Uint8Array };

export interface Icmpv6Value {
  type: number;
  code: number;
  checksum: number;
  body: Icmpv6Body;
  checksumStatus: 'good' | 'bad' | 'unchecked';
  checksumCalculated?: number;
  /** The payload is a quoted packet (errors, redirected header): the summary stops here. */
  quoting?: boolean;
  /** Bytes after the quoted packet up to the end of the message (kept for a lossless re-encode). */
  trailer?: Uint8Array;
}

export interface Icmpv6Input {
  type: number;
  code?: number;
  checksum?: number;
  body?: Icmpv6Body;
  trailer?: Uint8Array;
}

const ERRORS = new Set([1, 2, 3, 4]);

// ---------------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------------

function parseNdOptions(b: Uint8Array, at: number, end: number, problems: import('../core/problem.js').Problem[], report: boolean): { options: NdOption[]; redirectedAt?: number } {
  const options: NdOption[] = [];
  let i = at;
  while (i < end) {
    if (i + 2 > end) {
      if (report) problems.push(problem('icmpv6', 'truncated', i, end, 'ICMPv6 option has no length byte', { field: 'icmpv6.opt.length', limitedBy: 'ipv6.plen' }));
      options.push({ kind: 'unknown', type: b[i]!, len: -1, data: b.subarray(end, end) });
      break;
    }
    const t = b[i]!;
    const l = b[i + 1]!;
    const n = l * 8;
    if (l === 0 || i + n > end) {
      if (report) {
        problems.push(
          problem('icmpv6', l === 0 ? 'bad-length' : 'truncated', i + 1, i + 2, l === 0 ? `ICMPv6 option ${t} has length 0` : `ICMPv6 option ${t} of ${n} bytes goes past the end of the message`, {
            field: 'icmpv6.opt.length',
            actual: l,
            limitedBy: 'ipv6.plen',
          }),
        );
      }
      options.push({ kind: 'unknown', type: t, len: l, data: b.subarray(i + 2, end) });
      break;
    }
    const d = i + 2;
    const e = i + n;
    if ((t === 1 || t === 2) && n >= 8) options.push({ kind: 'lla', type: t, data: b.subarray(d, e) });
    else if (t === 3 && n === 32)
      options.push({ kind: 'prefix', prefixLength: b[d]!, flags: b[d + 1]!, valid: readUint(b, d + 2, 4), preferred: readUint(b, d + 6, 4), reserved: b.subarray(d + 10, d + 14), prefix: ipv6ToString(b, d + 14) });
    else if (t === 5 && n === 8) options.push({ kind: 'mtu', reserved: b.subarray(d, d + 2), mtu: readUint(b, d + 2, 4) });
    else if (t === 7 && n === 8) options.push({ kind: 'adv-interval', reserved: b.subarray(d, d + 2), interval: readUint(b, d + 2, 4) });
    else if (t === 25 && n >= 24 && (n - 8) % 16 === 0) {
      const servers: string[] = [];
      for (let k = d + 6; k + 16 <= e; k += 16) servers.push(ipv6ToString(b, k));
      options.push({ kind: 'rdnss', reserved: b.subarray(d, d + 2), lifetime: readUint(b, d + 2, 4), servers });
    } else if (t === 4 && n >= 8) {
      if (e === end && n > 8) {
        options.push({ kind: 'redirected', reserved: b.subarray(d, d + 6) });
        return { options, redirectedAt: i + 8 };
      }
      options.push({ kind: 'redirected', reserved: b.subarray(d, d + 6), data: b.subarray(i + 8, e) });
    } else options.push({ kind: 'unknown', type: t, data: b.subarray(d, e) });
    i = e;
  }
  return { options };
}

function optType(o: NdOption): number {
  switch (o.kind) {
    case 'lla':
      return o.type;
    case 'prefix':
      return 3;
    case 'mtu':
      return 5;
    case 'adv-interval':
      return 7;
    case 'rdnss':
      return 25;
    case 'redirected':
      return 4;
    case 'unknown':
      return o.type;
  }
}

/** Encoded size of an option (the redirected header without its quoted packet when `data` is absent). */
function optSize(o: NdOption): number {
  switch (o.kind) {
    case 'lla':
      return 2 + o.data.length;
    case 'prefix':
      return 32;
    case 'mtu':
    case 'adv-interval':
      return 8;
    case 'rdnss':
      return 8 + 16 * o.servers.length;
    case 'redirected':
      return 8 + (o.data?.length ?? 0);
    case 'unknown':
      return o.len === -1 ? 1 : 2 + o.data.length;
  }
}

function optionsSize(opts: readonly NdOption[]): number {
  return opts.reduce((n, o) => n + optSize(o), 0);
}

function writeNdOptions(out: Uint8Array, at: number, opts: readonly NdOption[], quotedLen: number): void {
  let i = at;
  opts.forEach((o, idx) => {
    const t = optType(o);
    out[i] = t;
    if (o.kind === 'unknown' && o.len === -1) {
      i += 1;
      return;
    }
    let size = optSize(o);
    if (o.kind === 'redirected' && o.data === undefined && idx === opts.length - 1) size += quotedLen;
    let lenByte = size / 8;
    if (o.kind === 'unknown' && o.len !== undefined) lenByte = o.len;
    else if (size % 8 !== 0) throw new EncodeError('icmpv6.opt.length', `option of ${size} bytes is not a multiple of 8`);
    if (lenByte > 255) throw new EncodeError('icmpv6.opt.length', `option of ${size} bytes does not fit`);
    out[i + 1] = lenByte;
    const d = i + 2;
    const ip6 = (name: string, off: number, a: string) => {
      const bytes = parseIPv6(a);
      if (!bytes) throw new EncodeError(name, `not a valid IPv6 address: ${a}`);
      out.set(bytes, off);
    };
    switch (o.kind) {
      case 'lla':
        out.set(o.data, d);
        break;
      case 'prefix':
        out[d] = u8('icmpv6.opt.prefix.length', o.prefixLength);
        out[d + 1] = u8('icmpv6.opt.prefix.flag', o.flags);
        writeUint(out, d + 2, 4, u32('icmpv6.opt.prefix.valid_lifetime', o.valid));
        writeUint(out, d + 6, 4, u32('icmpv6.opt.prefix.preferred_lifetime', o.preferred));
        out.set(fixedBytes('icmpv6.opt.reserved', o.reserved, 4), d + 10);
        ip6('icmpv6.opt.prefix', d + 14, o.prefix);
        break;
      case 'mtu':
        out.set(fixedBytes('icmpv6.opt.reserved', o.reserved, 2), d);
        writeUint(out, d + 2, 4, u32('icmpv6.opt.mtu', o.mtu));
        break;
      case 'adv-interval':
        out.set(fixedBytes('icmpv6.opt.reserved', o.reserved, 2), d);
        writeUint(out, d + 2, 4, u32('icmpv6.opt.advertisement_interval', o.interval));
        break;
      case 'rdnss':
        out.set(fixedBytes('icmpv6.opt.reserved', o.reserved, 2), d);
        writeUint(out, d + 2, 4, u32('icmpv6.opt.rdnss.lifetime', o.lifetime));
        o.servers.forEach((s, k) => ip6('icmpv6.opt.rdnss', d + 6 + 16 * k, s));
        break;
      case 'redirected':
        out.set(fixedBytes('icmpv6.opt.reserved', o.reserved, 6), d);
        if (o.data) out.set(o.data, d + 6);
        break;
      case 'unknown':
        out.set(o.data, d);
        break;
    }
    i += optSize(o);
  });
}

function u8(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new EncodeError(name, `${v} does not fit in 8 bits`);
  return v;
}

function u16(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError(name, `${v} does not fit in 16 bits`);
  return v;
}

function u32(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(name, `${v} does not fit in 32 bits`);
  return v;
}

function fixedBytes(name: string, b: Uint8Array, n: number): Uint8Array {
  if (b.length !== n) throw new EncodeError(name, `expected ${n} bytes, got ${b.length}`);
  return b;
}

function colonHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? ':' : '') + b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** The link-layer address an option carries, as tshark prints it (6 bytes: a MAC; else colon-separated hex). */
function llaText(data: Uint8Array): string {
  return data.length >= 6 && data.length <= 8 && data.subarray(6).every((x) => x === 0) ? macToString(data, 0) : colonHex(data);
}

function optionNodes(b: Uint8Array, at: number, opts: readonly NdOption[], end: number): FieldNode[] {
  const nodes: FieldNode[] = [];
  let i = at;
  for (const o of opts) {
    const t = optType(o);
    const name = ND_OPT_TYPES[t] ?? 'Unknown';
    const size = o.kind === 'redirected' && o.data === undefined ? end - i : optSize(o);
    const kids: FieldNode[] = [{ def: F.opt_type, start: i, len: 1, value: t }];
    let label = `ICMPv6 Option (${name})`;
    if (!(o.kind === 'unknown' && o.len === -1)) {
      const lenByte = o.kind === 'unknown' && o.len !== undefined ? o.len : Math.floor(size / 8);
      kids.push({ def: F.opt_length, start: i + 1, len: 1, value: lenByte, text: `Length: ${lenByte} (${lenByte * 8} bytes)` });
    }
    const d = i + 2;
    switch (o.kind) {
      case 'lla': {
        const shown = o.data.length >= 6 && o.data.length <= 8 ? o.data.subarray(0, 6) : o.data;
        const text = llaText(o.data);
        label = `ICMPv6 Option (${name} : ${text})`;
        kids.push({ def: F.opt_linkaddr, start: d, len: shown.length, value: text });
        kids.push({ def: o.type === 1 ? F.opt_src_linkaddr : F.opt_target_linkaddr, start: d, len: shown.length, value: text, hidden: true });
        if (shown.length < o.data.length) kids.push({ def: F.opt_padding, start: d + shown.length, len: o.data.length - shown.length, value: null });
        break;
      }
      case 'prefix': {
        label = `ICMPv6 Option (${name} : ${o.prefix}/${o.prefixLength})`;
        kids.push({ def: F.opt_prefix_length, start: d, len: 1, value: o.prefixLength });
        const fl = [o.flags & 0x80 ? 'On-link flag(L)' : '', o.flags & 0x40 ? 'Autonomous address-configuration flag(A)' : '', o.flags & 0x20 ? 'Router address flag(R)' : ''].filter(Boolean);
        kids.push({
          def: F.opt_prefix_flag, start: d + 1, len: 1, value: o.flags, text: `Flag: 0x${o.flags.toString(16).padStart(2, '0')}${fl.map((x) => ', ' + x).join('')}`,
          children: [
            { def: F.opt_prefix_flag_l, start: d + 1, len: 1, value: (o.flags & 0x80) !== 0, bitmask: 0x80 },
            { def: F.opt_prefix_flag_a, start: d + 1, len: 1, value: (o.flags & 0x40) !== 0, bitmask: 0x40 },
            { def: F.opt_prefix_flag_r, start: d + 1, len: 1, value: (o.flags & 0x20) !== 0, bitmask: 0x20 },
            { def: F.opt_prefix_flag_reserved, start: d + 1, len: 1, value: o.flags & 0x1f, bitmask: 0x1f },
          ],
        });
        kids.push({ def: F.opt_prefix_valid_lifetime, start: d + 2, len: 4, value: o.valid, ...(o.valid === 0xffffffff ? { text: 'Valid Lifetime: Infinity (4294967295)' } : {}) });
        kids.push({ def: F.opt_prefix_preferred_lifetime, start: d + 6, len: 4, value: o.preferred, ...(o.preferred === 0xffffffff ? { text: 'Preferred Lifetime: Infinity (4294967295)' } : {}) });
        kids.push({ def: F.opt_reserved, start: d + 10, len: 4, value: null });
        kids.push({ def: F.opt_prefix, start: d + 14, len: 16, value: o.prefix });
        break;
      }
      case 'mtu':
        label = `ICMPv6 Option (${name} : ${o.mtu})`;
        kids.push({ def: F.opt_reserved, start: d, len: 2, value: null });
        kids.push({ def: F.opt_mtu, start: d + 2, len: 4, value: o.mtu });
        break;
      case 'adv-interval':
        label = `ICMPv6 Option (${name} : ${o.interval})`;
        kids.push({ def: F.opt_reserved, start: d, len: 2, value: null });
        kids.push({ def: F.opt_advertisement_interval, start: d + 2, len: 4, value: o.interval });
        break;
      case 'rdnss':
        label = `ICMPv6 Option (${name}${o.servers.map((s) => ' ' + s).join('')})`;
        kids.push({ def: F.opt_reserved, start: d, len: 2, value: null });
        kids.push({ def: F.opt_rdnss_lifetime, start: d + 2, len: 4, value: o.lifetime, ...(o.lifetime === 0xffffffff ? { text: 'Lifetime: Infinity (4294967295)' } : {}) });
        o.servers.forEach((s, k) => kids.push({ def: F.opt_rdnss, start: d + 6 + 16 * k, len: 16, value: s }));
        break;
      case 'redirected':
        kids.push({ def: F.opt_reserved, start: d, len: 6, value: null });
        kids.push({ def: F.opt_redirected_packet, start: i + 8, len: size - 8, value: null });
        break;
      case 'unknown':
        if (t === 31 && o.len === undefined && o.data.length >= 6) {
          // DNS search list (RFC 8106): reserved, lifetime, then names as DNS labels, zero-padded.
          kids.push({ def: F.opt_reserved, start: d, len: 2, value: null });
          kids.push({ def: F.opt_dnssl_lifetime, start: d + 2, len: 4, value: readUint(o.data, 2, 4) });
          const names: string[] = [];
          let k = 6;
          while (k < o.data.length && o.data[k] !== 0) {
            const from = k;
            const labels: string[] = [];
            while (k < o.data.length && o.data[k] !== 0 && k + 1 + o.data[k]! <= o.data.length) {
              labels.push(String.fromCharCode(...o.data.subarray(k + 1, k + 1 + o.data[k]!)));
              k += 1 + o.data[k]!;
            }
            if (k >= o.data.length || o.data[k] !== 0) break;
            k++;
            names.push(labels.join('.'));
            kids.push({ def: F.opt_dnssl, start: d + from, len: k - from, value: labels.join('.') });
          }
          if (k < o.data.length) kids.push({ def: F.opt_padding, start: d + k, len: o.data.length - k, value: null });
          label = `ICMPv6 Option (${name}${names.map((x) => ' ' + x).join('')})`;
        } else if (t === 8 && o.len === undefined && o.data.length === 6) {
          kids.push({ def: F.opt_reserved, start: d, len: 2, value: null });
          kids.push({ def: F.opt_home_agent_preference, start: d + 2, len: 2, value: readUint(o.data, 2, 2) });
          kids.push({ def: F.opt_home_agent_lifetime, start: d + 4, len: 2, value: readUint(o.data, 4, 2) });
        }
        break;
    }
    nodes.push({ def: F.opt, start: i, len: size, value: null, text: label, children: kids });
    i += size;
  }
  return nodes;
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------------------------

interface Parsed {
  body: Icmpv6Body;
  /** End of this layer's own bytes (a quoted packet or echo data follows). */
  headerEnd: number;
  quoting: boolean;
}

function parseBody(b: Uint8Array, type: number, at: number, end: number, problems: import('../core/problem.js').Problem[], report: boolean): Parsed {
  const n = end - at;
  const unknown = (): Parsed => ({ body: { kind: 'unknown', data: b.subarray(at, end) }, headerEnd: end, quoting: false });
  switch (type) {
    case 1:
    case 3:
      if (n < 4) return unknown();
      if (n === 4 && report) problems.push(problem('icmpv6', 'truncated', at + 4, end, `${ICMPV6_TYPES[type]} quotes no part of the invoking packet`, { field: 'icmpv6.type', limitedBy: 'ipv6.plen' }));
      return { body: { kind: 'error', reserved: b.subarray(at, at + 4) }, headerEnd: at + 4, quoting: n > 4 };
    case 2:
      if (n < 4) return unknown();
      return { body: { kind: 'too-big', mtu: readUint(b, at, 4) }, headerEnd: at + 4, quoting: n > 4 };
    case 4:
      if (n < 4) return unknown();
      return { body: { kind: 'param-problem', pointer: readUint(b, at, 4) }, headerEnd: at + 4, quoting: n > 4 };
    case 128:
    case 129:
      if (n < 4) return unknown();
      return { body: { kind: 'echo', ident: readUint(b, at, 2), seq: readUint(b, at + 2, 2) }, headerEnd: at + 4, quoting: false };
    case 130:
    case 131:
    case 132: {
      if (n < 20) return unknown();
      const body: Icmpv6Body = { kind: 'mld', maxDelay: readUint(b, at, 2), reserved: b.subarray(at + 2, at + 4), address: ipv6ToString(b, at + 4) };
      if (type === 130 && n >= 24) {
        const count = readUint(b, at + 22, 2);
        if (n === 24 + 16 * count) {
          const sources: string[] = [];
          for (let k = 0; k < count; k++) sources.push(ipv6ToString(b, at + 24 + 16 * k));
          body.v2 = { flags: b[at + 20]!, qqic: b[at + 21]!, sources };
          return { body, headerEnd: end, quoting: false };
        }
      }
      return { body, headerEnd: at + 20, quoting: false };
    }
    case 143: {
      if (n < 4) return unknown();
      const count = readUint(b, at + 2, 2);
      const records: MldRecord[] = [];
      let i = at + 4;
      const cut = (): Parsed => {
        if (report) problems.push(problem('icmpv6', 'truncated', i, end, `multicast address record ${records.length + 1} of ${count} goes past the end of the message`, { field: 'icmpv6.mldr.mar', limitedBy: 'ipv6.plen' }));
        return unknown();
      };
      for (let r = 0; r < count; r++) {
        if (i + 20 > end) return cut();
        const ns = readUint(b, i + 2, 2);
        const aux = b[i + 1]! * 4;
        const size = 20 + 16 * ns + aux;
        if (i + size > end) return cut();
        const sources: string[] = [];
        for (let k = 0; k < ns; k++) sources.push(ipv6ToString(b, i + 20 + 16 * k));
        records.push({ type: b[i]!, auxLen: b[i + 1]!, address: ipv6ToString(b, i + 4), sources, aux: b.subarray(i + 20 + 16 * ns, i + size) });
        i += size;
      }
      return { body: { kind: 'mld2-report', reserved: b.subarray(at, at + 2), records }, headerEnd: i, quoting: false };
    }
    case 133:
    case 134:
    case 135:
    case 136:
    case 137: {
      const fixedLen = type === 133 ? 4 : type === 134 ? 12 : type === 137 ? 36 : 20;
      if (n < fixedLen) {
        if (report) problems.push(problem('icmpv6', 'truncated', at - 4, end, `${ICMPV6_TYPES[type]} needs ${fixedLen + 4} bytes, ${n + 4} present`, { expected: fixedLen + 4, actual: n + 4, limitedBy: 'ipv6.plen' }));
        return unknown();
      }
      const { options, redirectedAt } = parseNdOptions(b, at + fixedLen, end, problems, report);
      let body: Icmpv6Body;
      if (type === 133) body = { kind: 'rs', reserved: b.subarray(at, at + 4), options };
      else if (type === 134) body = { kind: 'ra', curHopLimit: b[at]!, flags: b[at + 1]!, lifetime: readUint(b, at + 2, 2), reachable: readUint(b, at + 4, 4), retrans: readUint(b, at + 8, 4), options };
      else if (type === 135) body = { kind: 'ns', reserved: b.subarray(at, at + 4), target: ipv6ToString(b, at + 4), options };
      else if (type === 136) body = { kind: 'na', flags: readUint(b, at, 4), target: ipv6ToString(b, at + 4), options };
      else body = { kind: 'redirect', reserved: b.subarray(at, at + 4), target: ipv6ToString(b, at + 4), destination: ipv6ToString(b, at + 20), options };
      return redirectedAt !== undefined ? { body, headerEnd: redirectedAt, quoting: true } : { body, headerEnd: end, quoting: false };
    }
    default:
      return unknown();
  }
}

function bodySize(body: Icmpv6Body): number {
  switch (body.kind) {
    case 'error':
    case 'too-big':
    case 'param-problem':
    case 'echo':
      return 4;
    case 'mld':
      return body.v2 ? 24 + 16 * body.v2.sources.length : 20;
    case 'mld2-report':
      return 4 + body.records.reduce((n, r) => n + 20 + 16 * r.sources.length + r.aux.length, 0);
    case 'rs':
      return 4 + optionsSize(body.options);
    case 'ra':
      return 12 + optionsSize(body.options);
    case 'ns':
    case 'na':
      return 20 + optionsSize(body.options);
    case 'redirect':
      return 36 + optionsSize(body.options);
    case 'unknown':
      return body.data.length;
  }
}

function writeBody(out: Uint8Array, at: number, body: Icmpv6Body, quotedLen: number): void {
  const ip6 = (name: string, off: number, a: string) => {
    const bytes = parseIPv6(a);
    if (!bytes) throw new EncodeError(name, `not a valid IPv6 address: ${a}`);
    out.set(bytes, off);
  };
  switch (body.kind) {
    case 'error':
      out.set(fixedBytes('icmpv6.reserved', body.reserved, 4), at);
      return;
    case 'too-big':
      writeUint(out, at, 4, u32('icmpv6.mtu', body.mtu));
      return;
    case 'param-problem':
      writeUint(out, at, 4, u32('icmpv6.pointer', body.pointer));
      return;
    case 'echo':
      writeUint(out, at, 2, u16('icmpv6.echo.identifier', body.ident));
      writeUint(out, at + 2, 2, u16('icmpv6.echo.sequence_number', body.seq));
      return;
    case 'mld':
      writeUint(out, at, 2, u16('icmpv6.mld.maximum_response_delay', body.maxDelay));
      out.set(fixedBytes('icmpv6.reserved', body.reserved, 2), at + 2);
      ip6('icmpv6.mld.multicast_address', at + 4, body.address);
      if (body.v2) {
        out[at + 20] = u8('icmpv6.mld.flag', body.v2.flags);
        out[at + 21] = u8('icmpv6.mld.qqi', body.v2.qqic);
        writeUint(out, at + 22, 2, u16('icmpv6.mld.nb_sources', body.v2.sources.length));
        body.v2.sources.forEach((s, k) => ip6('icmpv6.mld.source_address', at + 24 + 16 * k, s));
      }
      return;
    case 'mld2-report': {
      out.set(fixedBytes('icmpv6.reserved', body.reserved, 2), at);
      writeUint(out, at + 2, 2, u16('icmpv6.mldr.nb_mcast_records', body.records.length));
      let i = at + 4;
      for (const r of body.records) {
        out[i] = u8('icmpv6.mldr.mar.record_type', r.type);
        out[i + 1] = u8('icmpv6.mldr.mar.aux_data_len', r.auxLen);
        writeUint(out, i + 2, 2, u16('icmpv6.mldr.mar.nb_sources', r.sources.length));
        ip6('icmpv6.mldr.mar.multicast_address', i + 4, r.address);
        r.sources.forEach((s, k) => ip6('icmpv6.mldr.mar.source_address', i + 20 + 16 * k, s));
        out.set(r.aux, i + 20 + 16 * r.sources.length);
        i += 20 + 16 * r.sources.length + r.aux.length;
      }
      return;
    }
    case 'rs':
      out.set(fixedBytes('icmpv6.reserved', body.reserved, 4), at);
      writeNdOptions(out, at + 4, body.options, quotedLen);
      return;
    case 'ra':
      out[at] = u8('icmpv6.nd.ra.cur_hop_limit', body.curHopLimit);
      out[at + 1] = u8('icmpv6.nd.ra.flag', body.flags);
      writeUint(out, at + 2, 2, u16('icmpv6.nd.ra.router_lifetime', body.lifetime));
      writeUint(out, at + 4, 4, u32('icmpv6.nd.ra.reachable_time', body.reachable));
      writeUint(out, at + 8, 4, u32('icmpv6.nd.ra.retrans_timer', body.retrans));
      writeNdOptions(out, at + 12, body.options, quotedLen);
      return;
    case 'ns':
      out.set(fixedBytes('icmpv6.reserved', body.reserved, 4), at);
      ip6('icmpv6.nd.ns.target_address', at + 4, body.target);
      writeNdOptions(out, at + 20, body.options, quotedLen);
      return;
    case 'na':
      writeUint(out, at, 4, u32('icmpv6.nd.na.flag', body.flags));
      ip6('icmpv6.nd.na.target_address', at + 4, body.target);
      writeNdOptions(out, at + 20, body.options, quotedLen);
      return;
    case 'redirect':
      out.set(fixedBytes('icmpv6.reserved', body.reserved, 4), at);
      ip6('icmpv6.nd.rd.target_address', at + 4, body.target);
      ip6('icmpv6.rd.na.destination_address', at + 20, body.destination);
      writeNdOptions(out, at + 36, body.options, quotedLen);
      return;
    case 'unknown':
      out.set(body.data, at);
      return;
  }
}

/** Bytes `icmpv6.encode(input, payload)` adds around the payload (without redirected-header padding). */
export function icmpv6EncodingLength(input: Icmpv6Input): number {
  return 4 + bodySize(input.body ?? { kind: 'unknown', data: new Uint8Array(4) }) + (input.trailer?.length ?? 0);
}

function ndOptions(body: Icmpv6Body): NdOption[] | undefined {
  return body.kind === 'rs' || body.kind === 'ra' || body.kind === 'ns' || body.kind === 'na' || body.kind === 'redirect' ? body.options : undefined;
}

function hex(n: number, digits: number): string {
  return '0x' + n.toString(16).padStart(digits, '0');
}

function bitLine(mask: number, raw: number, bits: number): string {
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const m = 2 ** i;
    s += Math.floor(mask / m) % 2 ? String(Math.floor(raw / m) % 2) : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return s;
}

function enclosingHopLimit(ctx: TreeContext): number | undefined {
  const outer = ctx.layers[ctx.index - 1];
  if (!outer) return undefined;
  const v = outer.value as { hlim?: unknown };
  return typeof v.hlim === 'number' ? v.hlim : undefined;
}

function fragmented(l: Layer | undefined): boolean {
  if (!l) return false;
  const v = l.value as { ext?: { kind: string; more?: boolean; offset?: number }[] };
  return !!v.ext?.some((e) => e.kind === 'fragment' && (e.more || e.offset !== 0));
}

function bodyNodes(b: Uint8Array, at: number, body: Icmpv6Body, layer: Layer<Icmpv6Value>): FieldNode[] {
  const out: FieldNode[] = [];
    switch (body.kind) {
      case 'error':
        out.push({ def: F.reserved, start: at, len: 4, value: body.reserved });
        break;
      case 'too-big':
        out.push({ def: F.mtu, start: at, len: 4, value: body.mtu });
        break;
      case 'param-problem':
        out.push({ def: F.pointer, start: at, len: 4, value: body.pointer });
        break;
      case 'echo':
        out.push({ def: F.echo_identifier, start: at, len: 2, value: body.ident });
        out.push({ def: F.echo_sequence, start: at + 2, len: 2, value: body.seq });
        break;
      case 'mld':
        if (body.v2) out.push({ def: F.mld_maximum_response_code, start: at, len: 2, value: body.maxDelay });
        else out.push({ def: F.mld_maximum_response_delay, start: at, len: 2, value: body.maxDelay });
        out.push({ def: F.reserved, start: at + 2, len: 2, value: body.reserved });
        out.push({ def: F.mld_multicast_address, start: at + 4, len: 16, value: body.address });
        if (body.v2) {
          const fl = body.v2.flags;
          out.push({
            def: F.mld_flag, start: at + 20, len: 1, value: fl,
            children: [
              { def: F.mld_flag_s, start: at + 20, len: 1, value: (fl & 8) !== 0, bitmask: 0x08 },
              { def: F.mld_flag_qrv, start: at + 20, len: 1, value: fl & 7, bitmask: 0x07 },
              { def: F.mld_flag_reserved, start: at + 20, len: 1, value: fl >> 4, bitmask: 0xf0 },
            ],
          });
          out.push({ def: F.mld_qqi, start: at + 21, len: 1, value: body.v2.qqic });
          out.push({ def: F.mld_nb_sources, start: at + 22, len: 2, value: body.v2.sources.length });
          body.v2.sources.forEach((x, k) => out.push({ def: F.mld_source_address, start: at + 24 + 16 * k, len: 16, value: x }));
        }
        break;
      case 'mld2-report': {
        out.push({ def: F.reserved, start: at, len: 2, value: body.reserved });
        out.push({ def: F.mldr_nb_mcast_records, start: at + 2, len: 2, value: body.records.length });
        let i = at + 4;
        for (const r of body.records) {
          const size = 20 + 16 * r.sources.length + r.aux.length;
          const rt = (MLDR_RECORD_TYPES as Record<number, string>)[r.type] ?? 'Unknown';
          const kids: FieldNode[] = [
            { def: F.mldr_mar_record_type, start: i, len: 1, value: r.type },
            { def: F.mldr_mar_aux_data_len, start: i + 1, len: 1, value: r.auxLen },
            { def: F.mldr_mar_nb_sources, start: i + 2, len: 2, value: r.sources.length },
            { def: F.mldr_mar_multicast_address, start: i + 4, len: 16, value: r.address },
          ];
          r.sources.forEach((x, k) => kids.push({ def: F.mldr_mar_source_address, start: i + 20 + 16 * k, len: 16, value: x }));
          if (r.aux.length) kids.push({ def: F.mldr_mar_auxiliary_data, start: i + 20 + 16 * r.sources.length, len: r.aux.length, value: r.aux });
          out.push({ def: F.mldr_mar, start: i, len: size, value: null, text: `Multicast Address Record ${rt}: ${r.address}`, children: kids });
          i += size;
        }
        break;
      }
      case 'rs':
        out.push({ def: F.reserved, start: at, len: 4, value: body.reserved });
        out.push(...optionNodes(b, at + 4, body.options, layer.headerEnd));
        break;
      case 'ra': {
        out.push({ def: F.ra_cur_hop_limit, start: at, len: 1, value: body.curHopLimit });
        const fl = body.flags;
        const names = [fl & 0x80 ? 'Managed' : '', fl & 0x40 ? 'Other' : '', fl & 0x20 ? 'Home Agent' : ''].filter(Boolean);
        names.push(`Prf (Default Router Preference): ${PRF[((fl >> 3) & 3) as 0 | 1 | 2 | 3]}`);
        if (fl & 0x04) names.push('Proxy');
        const bit = (def: FieldDef, mask: number): FieldNode => ({ def, start: at + 1, len: 1, value: (fl & mask) !== 0, bitmask: mask });
        out.push({
          def: F.ra_flag, start: at + 1, len: 1, value: fl, text: `Flags: ${hex(fl, 2)}, ${names.join(', ')}`,
          children: [
            bit(F.ra_flag_m, 0x80), bit(F.ra_flag_o, 0x40), bit(F.ra_flag_h, 0x20),
            { def: F.ra_flag_prf, start: at + 1, len: 1, value: (fl >> 3) & 3, bitmask: 0x18 },
            bit(F.ra_flag_p, 0x04),
            { def: F.ra_flag_rsv, start: at + 1, len: 1, value: fl & 3, bitmask: 0x03 },
          ],
        });
        out.push({ def: F.ra_router_lifetime, start: at + 2, len: 2, value: body.lifetime });
        out.push({ def: F.ra_reachable_time, start: at + 4, len: 4, value: body.reachable });
        out.push({ def: F.ra_retrans_timer, start: at + 8, len: 4, value: body.retrans });
        out.push(...optionNodes(b, at + 12, body.options, layer.headerEnd));
        break;
      }
      case 'ns':
        out.push({ def: F.reserved, start: at, len: 4, value: body.reserved });
        out.push({ def: F.ns_target_address, start: at + 4, len: 16, value: body.target });
        out.push(...optionNodes(b, at + 20, body.options, layer.headerEnd));
        break;
      case 'na': {
        const fl = body.flags;
        const names = [fl & 0x80000000 ? 'Router' : '', fl & 0x40000000 ? 'Solicited' : '', fl & 0x20000000 ? 'Override' : ''].filter(Boolean);
        const bit = (def: FieldDef, mask: number): FieldNode => ({ def, start: at, len: 4, value: Math.floor(fl / mask) % 2 === 1, bitmask: mask });
        out.push({
          def: F.na_flag, start: at, len: 4, value: fl, text: `Flags: ${hex(fl, 8)}${names.map((x) => ', ' + x).join('')}`,
          children: [
            bit(F.na_flag_r, 0x80000000), bit(F.na_flag_s, 0x40000000), bit(F.na_flag_o, 0x20000000),
            { def: F.na_flag_rsv, start: at, len: 4, value: fl & 0x1fffffff, bitmask: 0x1fffffff, text: `${bitLine(0x1fffffff, fl, 32)} = Reserved: ${fl & 0x1fffffff}` },
          ],
        });
        out.push({ def: F.na_target_address, start: at + 4, len: 16, value: body.target });
        out.push(...optionNodes(b, at + 20, body.options, layer.headerEnd));
        break;
      }
      case 'redirect':
        out.push({ def: F.reserved, start: at, len: 4, value: body.reserved });
        out.push({ def: F.rd_target_address, start: at + 4, len: 16, value: body.target });
        out.push({ def: F.rd_destination_address, start: at + 20, len: 16, value: body.destination });
        out.push(...optionNodes(b, at + 36, body.options, layer.end));
        break;
      case 'unknown':
        if (body.data.length) out.push({ def: F.unknown_data, start: at, len: body.data.length, value: body.data });
        break;
    }
  return out;
}

/** Bytes after the checksum each type needs for its fixed fields. */
const FIXED_LEN: Readonly<Record<number, number>> = { 1: 4, 2: 4, 3: 4, 4: 4, 128: 4, 129: 4, 130: 20, 131: 20, 132: 20, 133: 4, 134: 12, 135: 20, 136: 20, 137: 36, 143: 4 };

export const icmpv6 = defineProtocol<Icmpv6Value, Icmpv6Input>({
  name: 'icmpv6',
  shortName: 'ICMPv6',
  table: icmpv6Table,
  bindings: [{ table: 'ip.proto', key: 58 }],
  decode(b, start, end, ctx) {
    const v = { type: 0, code: 0, checksum: 0, body: { kind: 'unknown', data: b.subarray(end, end) }, checksumStatus: 'unchecked' } as Icmpv6Value;
    fixed.read(b, start, end, v as unknown as Record<string, unknown>);
    const avail = end - start;
    if (avail < 4) {
      if (!ctx.inError || avail < 1) ctx.problems.push(problem('icmpv6', 'truncated', start, end, `ICMPv6 header needs 4 bytes, ${Math.max(0, avail)} present`, { expected: 4, actual: Math.max(0, avail), limitedBy: 'ipv6.plen' }));
      return { value: v, headerEnd: end, end };
    }
    const p = parseBody(b, v.type, start + 4, end, ctx.problems, !ctx.inError);
    v.body = p.body;
    const outer = ctx.layers[ctx.layers.length - 1];
    const whole = !ctx.inError && outer !== undefined && outer.end === end && !(end === b.length && b.length < ctx.wireLen) && !fragmented(outer);
    if (whole) {
      const ph = enclosingPseudoSum(b, ctx.layers, 58, end - start);
      if (ph !== undefined) {
        v.checksumStatus = onesSum(b, start, end, ph) === 0xffff ? 'good' : 'bad';
        v.checksumCalculated = ~onesSum(b, start + 4, end, onesSum(b, start, start + 2, ph)) & 0xffff;
        if (v.checksumStatus === 'bad') {
          ctx.problems.push(problem('icmpv6', 'bad-checksum', start + 2, start + 4, `checksum ${hex(v.checksum, 4)} is wrong, should be ${hex(v.checksumCalculated, 4)}`, { field: 'icmpv6.checksum', expected: v.checksumCalculated, actual: v.checksum }));
        }
      }
    }
    if (p.quoting) {
      v.quoting = true;
      return { value: v, headerEnd: p.headerEnd, end, next: [{ proto: 'ipv6' }], quoting: true };
    }
    return { value: v, headerEnd: p.headerEnd, end };
  },
  complete(layer, innerEnd, ctx) {
    if (!layer.value.quoting || innerEnd >= layer.end) return layer.value;
    return { ...layer.value, trailer: ctx.frame.subarray(innerEnd, layer.end) };
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = [];
    for (const n of fixed.nodes(b, s, layer.headerEnd, v as unknown as Record<string, unknown>)) {
      if (n.def === F.type) out.push({ ...n, text: `Type: ${ICMPV6_TYPES[v.type] ?? 'Unknown'} (${v.type})` });
      else if (n.def === F.code) {
        const names = ICMPV6_CODES[v.type];
        out.push({ ...n, ...(names ? { text: `Code: ${v.code} (${names[v.code] ?? 'Unknown'})` } : {}) });
      } else if (n.def === F.checksum) {
        const status = v.checksumStatus === 'good' ? 1 : v.checksumStatus === 'bad' ? 0 : 2;
        const frag = fragmented(ctx.layers[ctx.index - 1]);
        const note = status === 1 ? '[correct]' : status === 0 ? `incorrect, should be ${hex(v.checksumCalculated ?? 0, 4)}` : frag ? '[unverified] [fragmented datagram]' : '[unverified]';
        out.push({ ...n, text: `Checksum: ${hex(v.checksum, 4)} ${note}` });
        out.push({ def: F.checksum_status, start: n.start, len: 0, value: status, generated: true, text: `[Checksum Status: ${CHECKSUM_STATUS[status as 0 | 1 | 2]}]` });
      } else out.push(n);
    }
    let body = v.body;
    let partial = false;
    const fixedLen = FIXED_LEN[v.type];
    if (body.kind === 'unknown' && fixedLen !== undefined && body.data.length > 0 && body.data.length < fixedLen) {
      // A message cut short: show the fields whose bytes are there, as tshark does before giving up.
      const padded = new Uint8Array(fixedLen);
      padded.set(body.data);
      body = parseBody(padded, v.type, 0, fixedLen, [], false).body;
      partial = true;
    }
    const nodes = bodyNodes(b, s + 4, body, layer);
    out.push(...(partial ? nodes.filter((n) => n.start + n.len <= layer.end) : nodes));
    const echo = layer.notes?.echo as EchoNotes | undefined;
    if (echo) {
      out.push({ def: F.resp_to, start: s, len: 0, value: echo.respTo, generated: true });
      out.push({ def: F.resptime, start: s, len: 0, value: echo.respTime, generated: true, text: `[Response Time: ${echo.respTime.toFixed(3)} ms]` });
    }
    return out;
  },
  stateful: {
    create: createEchoState,
    // tshark keys a request by its own checksum, a reply by the checksum its request had (129 -> 128 lowers the sum by 0x0100)
    track(state: EchoState, layer, frame) {
      const v = layer.value;
      if (v.body.kind !== 'echo') return undefined;
      const request = v.type === 128;
      const notes = trackEcho(state, layer, frame as Parameters<typeof trackEcho>[2], request, request ? v.checksum : shiftedChecksum(v.checksum, 0x0100), v.body.ident, v.body.seq);
      return notes ? { echo: notes } : undefined;
    },
  },
  label() {
    return 'Internet Control Message Protocol v6';
  },
  summary(layer, ctx) {
    const v = layer.value;
    const name = ICMPV6_TYPES[v.type] ?? `Unknown (${hex(v.type, 2)})`;
    const body = v.body;
    if (body.kind === 'echo') {
      const hl = enclosingHopLimit(ctx);
      const echo = layer.notes?.echo as EchoNotes | undefined;
      return `${name} id=${hex(body.ident, 4)}, seq=${body.seq}${hl !== undefined ? `, hop limit=${hl}` : ''}${echo ? ` (request in ${echo.respTo})` : ''}`;
    }
    const codes = ICMPV6_CODES[v.type];
    if (codes) return `${name} (${codes[v.code] ?? 'Unknown'})`;
    let s = name;
    if (body.kind === 'ns') s += ` for ${body.target}`;
    if (body.kind === 'na') {
      s += ` ${body.target}`;
      const fl = [body.flags & 0x80000000 ? 'rtr' : '', body.flags & 0x40000000 ? 'sol' : '', body.flags & 0x20000000 ? 'ovr' : ''].filter(Boolean);
      if (fl.length) s += ` (${fl.join(', ')})`;
    }
    for (const o of ndOptions(body) ?? []) {
      if (o.kind === 'lla') s += o.type === 1 ? ` from ${llaText(o.data)}` : ` is at ${llaText(o.data)}`;
    }
    return s;
  },
  encode(input, payload, ctx) {
    const body = input.body ?? ({ kind: 'unknown', data: new Uint8Array(4) } as Icmpv6Body);
    const trailer = input.trailer ?? new Uint8Array(0);
    let quoted = payload.length + trailer.length;
    // A redirected header's quoted packet is padded to the 8-byte option boundary.
    const opts = ndOptions(body);
    const last = opts?.[opts.length - 1];
    let pad = 0;
    if (last && last.kind === 'redirected' && last.data === undefined && quoted % 8 !== 0 && input.trailer === undefined) {
      pad = 8 - (quoted % 8);
      quoted += pad;
    }
    const n = 4 + bodySize(body);
    const out = new Uint8Array(n + quoted);
    fixed.write(out, 0, { type: input.type, code: input.code ?? 0, checksum: 0 });
    writeBody(out, 4, body, quoted);
    out.set(payload, n);
    out.set(trailer, n + payload.length);
    let cks = input.checksum;
    if (cks === undefined) {
      const ph = ctx.pseudoHeaderSum(58, out.length) ?? 0;
      cks = ~onesSum(out, 0, out.length, ph) & 0xffff;
    }
    writeUint(out, 2, 2, u16('icmpv6.checksum', cks));
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    return {
      type: v.type,
      code: v.code,
      body: v.body,
      ...(v.trailer ? { trailer: v.trailer } : {}),
      ...(v.checksumStatus !== 'good' ? { checksum: v.checksum } : {}),
    };
  },
});
