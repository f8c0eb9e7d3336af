/**
 * TCP (RFC 9293): ports, sequence and acknowledgment numbers, header length, the 12 flag bits, window, checksum over
 * the IPv4/IPv6 pseudo-header, urgent pointer and options (RFC 9293 EOL/NOP/MSS, RFC 7323 window scale and
 * timestamps, RFC 2018 SACK-permitted and SACK, RFC 7413 Fast Open, RFC 5925-era MD5/user timeout shown from their
 * raw bytes, anything else kept raw).
 *
 * Stream state. `decode` is per frame and stateless: it knows the raw numbers, the segment length (`tcp.len`, from
 * the enclosing IP length) and therefore `tcp.nxtseq`. What needs earlier frames (the stream index `tcp.stream`,
 * relative sequence numbers, the window scale announced in the SYNs, AccECN's ACE counter, the conversation
 * completeness) comes from `layer.notes.tcp` (type `TcpNotes`), which the `stateful` hook below computes frame by
 * frame when the Dissector runs it (src/dissect/dissect.ts `track`). Without notes the tree and Info column print
 * what tshark prints with `tcp.analyze_sequence_numbers:FALSE` on a stream it knows nothing about: raw `Seq=`,
 * `tcp.seq` = `tcp.seq_raw`, the window unscaled and no `tcp.stream`. With notes, relative numbers are used when the
 * preferences `tcp.analyze_sequence_numbers` and `tcp.relative_sequence_numbers` are both on (tshark's default).
 */
import { onesSum } from '../core/checksum.js';
import { EncodeError, problem } from '../core/problem.js';
import type { Problem } from '../core/problem.js';
import { compileHeader, readUint, writeUint } from '../fields/compile.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { timeDiffText } from '../dissect/frame.js';
import { defineProtocol, enclosingPseudoSum } from './types.js';
import { reportedEnd } from './udp.js';
import { analyseSegment, analysisInfo, newFlowAnalysis, TCP_A } from './tcp-analysis.js';
import type { ConnAnalysis, FlowAnalysis, TcpAnalysis } from './tcp-analysis.js';
import type { DecodeContext, Layer, TreeContext } from './types.js';

/** Option kinds (tcp_option_kind_vs of tshark 4.0). */
export const TCP_OPTION_KINDS: Readonly<Record<number, string>> = {
  0: 'End of Option List', 1: 'No-Operation', 2: 'Maximum Segment Size', 3: 'Window Scale', 4: 'SACK Permitted',
  5: 'SACK', 6: 'Echo', 7: 'Echo Reply', 8: 'Time Stamp Option', 9: 'Partial Order Connection Permitted',
  10: 'Partial Order Service Profile', 11: 'CC', 12: 'CC.NEW', 13: 'CC.ECHO', 14: 'TCP Alternate Checksum Request',
  15: 'TCP Alternate Checksum Data', 16: 'Skeeter', 17: 'Bubba', 18: 'Trailer Checksum Option', 19: 'MD5 Signature Option',
  20: 'SCPS Capabilities', 21: 'Selective Negative Acknowledgements', 22: 'Record Boundaries', 23: 'Corruption experienced',
  24: 'SNAP', 25: 'Unassigned', 26: 'TCP Compression Filter', 27: 'Quick-Start Response', 28: 'User Timeout Option',
  29: 'The TCP Authentication Option', 30: 'Multipath TCP', 34: 'TCP Fast Open Cookie', 76: 'Riverbed Probe',
  78: 'Riverbed Transparency', 172: 'Accurate ECN Order 0 (AccECN0)', 174: 'Accurate ECN Order 1 (AccECN1)',
  253: 'RFC3692-style Experiment 1', 254: 'RFC3692-style Experiment 2',
};

/** The option names tshark uses in `TCP Option - NAME` and in the `Options: (N bytes), ...` list. */
const OPTION_TITLES: Readonly<Record<number, string>> = {
  0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 2: 'Maximum segment size', 3: 'Window scale', 4: 'SACK permitted',
  5: 'SACK', 6: 'Echo', 7: 'Echo reply', 8: 'Timestamps', 11: 'CC', 12: 'CC.NEW', 13: 'CC.ECHO', 19: 'TCP MD5 signature',
  20: 'SCPS capabilities', 21: 'Selective Negative Acknowledgment', 22: 'SCPS record boundary', 23: 'SCPS corruption experienced',
  27: 'Quick-Start', 28: 'User Timeout', 29: 'TCP AO', 30: 'Multipath TCP', 34: 'TCP Fast Open', 76: 'Riverbed Probe',
  78: 'Riverbed Transparency', 172: 'Accurate ECN', 174: 'Accurate ECN', 253: 'Experimental', 254: 'Experimental',
};

/** Options whose length is fixed (tshark flags other lengths: "option length should be N"). */
const FIXED_LENGTH: Readonly<Record<number, number>> = { 2: 4, 3: 3, 4: 2, 6: 6, 7: 6, 8: 10, 11: 6, 12: 6, 13: 6, 19: 18, 27: 8, 28: 4 };

/** Experiment identifiers of RFC 6994 shared experimental options (kinds 253/254). */
const EXP_IDS: Readonly<Record<number, string>> = { 0xf989: 'Fast Open', 0xacc0: 'Accurate ECN - Order 0', 0xacc1: 'Accurate ECN - Order 1' };

const SET: readonly [string, string] = ['Set', 'Not set'];

/** Quick-Start rates (qs_rate_vals of tshark 4.0). */
const QS_RATES: Readonly<Record<number, string>> = {
  0: '0 bit/s', 1: '80 kbit/s', 2: '160 kbit/s', 3: '320 kbit/s', 4: '640 kbit/s', 5: '1.28 Mbit/s', 6: '2.56 Mbit/s',
  7: '5.12 Mbit/s', 8: '10.24 Mbit/s', 9: '20.48 Mbit/s', 10: '40.96 Mbit/s', 11: '81.92 Mbit/s', 12: '163.84 Mbit/s',
  13: '327.68 Mbit/s', 14: '655.36 Mbit/s', 15: '1.31072 Gbit/s',
};

export const tcpTable = defineFields(
  { abbrev: 'tcp', name: 'Transmission Control Protocol', desc: 'The reliable byte-stream transport: ordered, acknowledged and flow-controlled delivery between two ports' },
  {
    srcport: { abbrev: 'tcp.srcport', name: 'Source Port', type: 'UINT16', base: 'DEC', offset: 0, width: 2, desc: 'Port of the sending application (the client side usually uses an ephemeral port)' },
    dstport: { abbrev: 'tcp.dstport', name: 'Destination Port', type: 'UINT16', base: 'DEC', offset: 2, width: 2, auto: 'next', desc: 'Port of the receiving application (80 HTTP, 443 HTTPS, 53 DNS, 22 SSH)' },
    port: { abbrev: 'tcp.port', name: 'Source or Destination Port', type: 'UINT16', base: 'DEC', desc: 'Either port (for filters: tcp.port == 443)' },
    stream: { abbrev: 'tcp.stream', name: 'Stream index', type: 'UINT32', base: 'DEC', desc: 'Which TCP connection of the capture this segment belongs to, numbered from 0 in order of appearance' },
    completeness: { abbrev: 'tcp.completeness', name: 'Conversation completeness', type: 'UINT8', base: 'CUSTOM', desc: 'Which parts of the connection were seen so far: 1 SYN, 2 SYN-ACK, 4 ACK, 8 data, 16 FIN, 32 RST' },
    len: { abbrev: 'tcp.len', name: 'TCP Segment Len', type: 'UINT32', base: 'DEC', desc: 'Bytes of data this segment carries (the IP payload minus the TCP header)' },
    seq_display: { abbrev: 'tcp.seq', name: 'Sequence Number', type: 'UINT32', base: 'DEC', desc: 'Sequence number of the first data byte (the SYN itself counts as one); relative to the first one of the stream when shown relative' },
    seq: { abbrev: 'tcp.seq_raw', name: 'Sequence Number (raw)', type: 'UINT32', base: 'DEC', offset: 4, width: 4, desc: 'The 32-bit sequence number as it is on the wire' },
    nxtseq: { abbrev: 'tcp.nxtseq', name: 'Next Sequence Number', type: 'UINT32', base: 'DEC', desc: 'Sequence number the next segment in this direction should carry (seq + len, + 1 for SYN or FIN)' },
    ack_display: { abbrev: 'tcp.ack', name: 'Acknowledgment Number', type: 'UINT32', base: 'DEC', desc: 'Next sequence number the sender expects from the other side (valid when the ACK flag is set)' },
    ack: { abbrev: 'tcp.ack_raw', name: 'Acknowledgment number (raw)', type: 'UINT32', base: 'DEC', offset: 8, width: 4, desc: 'The 32-bit acknowledgment number as it is on the wire' },
    hdr_len: { abbrev: 'tcp.hdr_len', name: 'Header Length', type: 'UINT8', base: 'DEC', bitmask: 0xf0, offset: 12, width: 1, scale: 4, unit: ' bytes', auto: 'length', desc: 'Data offset: header length in 32-bit words (5 = 20 bytes, more with options)' },
    flags: { abbrev: 'tcp.flags', name: 'Flags', type: 'UINT16', base: 'HEX', bitmask: 0x0fff, offset: 12, width: 2, desc: 'The 12 control bits: 3 reserved, AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN' },
    flag_res: { abbrev: 'tcp.flags.res', name: 'Reserved', type: 'BOOLEAN', bitmask: 0x0e00, tfs: SET, desc: 'Three reserved bits, must be zero' },
    flag_ae: { abbrev: 'tcp.flags.ae', name: 'Accurate ECN', type: 'BOOLEAN', bitmask: 0x0100, tfs: SET, desc: 'AE (formerly NS): with CWR and ECE, negotiates Accurate ECN in the SYN and counts CE marks after it' },
    flag_cwr: { abbrev: 'tcp.flags.cwr', name: 'Congestion Window Reduced', type: 'BOOLEAN', bitmask: 0x0080, tfs: SET, desc: 'The sender reduced its congestion window after an ECN echo (RFC 3168)' },
    flag_ece: { abbrev: 'tcp.flags.ece', name: 'ECN-Echo', type: 'BOOLEAN', bitmask: 0x0040, tfs: SET, desc: 'ECN echo: a packet of this connection arrived marked Congestion Experienced (in a SYN: ECN capable)' },
    flag_ace: { abbrev: 'tcp.flags.ace', name: 'ACE', type: 'UINT8', base: 'DEC', desc: 'AccECN counter of CE-marked packets, in the AE, CWR and ECE bits once Accurate ECN is negotiated' },
    flag_urg: { abbrev: 'tcp.flags.urg', name: 'Urgent', type: 'BOOLEAN', bitmask: 0x0020, tfs: SET, desc: 'The urgent pointer is significant' },
    flag_ack: { abbrev: 'tcp.flags.ack', name: 'Acknowledgment', type: 'BOOLEAN', bitmask: 0x0010, tfs: SET, desc: 'The acknowledgment number is significant (set on every segment after the SYN)' },
    flag_push: { abbrev: 'tcp.flags.push', name: 'Push', type: 'BOOLEAN', bitmask: 0x0008, tfs: SET, desc: 'Push: deliver the data to the application without waiting for more' },
    flag_reset: { abbrev: 'tcp.flags.reset', name: 'Reset', type: 'BOOLEAN', bitmask: 0x0004, tfs: SET, desc: 'Reset: abort the connection' },
    flag_syn: { abbrev: 'tcp.flags.syn', name: 'Syn', type: 'BOOLEAN', bitmask: 0x0002, tfs: SET, desc: 'Synchronize sequence numbers: the first segment of each direction' },
    flag_fin: { abbrev: 'tcp.flags.fin', name: 'Fin', type: 'BOOLEAN', bitmask: 0x0001, tfs: SET, desc: 'Finish: the sender has no more data' },
    flags_str: { abbrev: 'tcp.flags.str', name: 'TCP Flags', type: 'STRING', desc: 'The flags as letters, one position per bit (R R R A C E U A P R S F), a dot when clear' },
    window: { abbrev: 'tcp.window_size_value', name: 'Window', type: 'UINT16', base: 'DEC', offset: 14, width: 2, desc: 'Receive window: how many bytes the sender can accept, before scaling' },
    window_size: { abbrev: 'tcp.window_size', name: 'Calculated window size', type: 'UINT32', base: 'DEC', desc: 'The window multiplied by the scale factor announced in the SYN (RFC 7323)' },
    window_scale: { abbrev: 'tcp.window_size_scalefactor', name: 'Window size scaling factor', type: 'INT32', base: 'DEC', desc: 'The multiplier for the window: -1 unknown (SYN not seen), -2 no scaling used' },
    checksum: { abbrev: 'tcp.checksum', name: 'Checksum', type: 'UINT16', base: 'HEX', offset: 16, width: 2, auto: 'checksum', desc: "One's-complement checksum over a pseudo-header (addresses, protocol 6, TCP length), the header and the data" },
    checksum_status: { abbrev: 'tcp.checksum.status', name: 'Checksum Status', type: 'UINT8', base: 'NONE', strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified' }, desc: 'Whether the checksum is right' },
    checksum_calculated: { abbrev: 'tcp.checksum_calculated', name: 'Calculated Checksum', type: 'UINT16', base: 'HEX', desc: 'The checksum the segment should carry' },
    urgent_pointer: { abbrev: 'tcp.urgent_pointer', name: 'Urgent Pointer', type: 'UINT16', base: 'DEC', offset: 18, width: 2, desc: 'Offset from the sequence number to the end of urgent data (meaningful with URG)' },
    options: { abbrev: 'tcp.options', name: 'TCP Options', type: 'BYTES', desc: 'Options between the 20-byte header and the data, up to 40 bytes' },
    option_kind: { abbrev: 'tcp.option_kind', name: 'Kind', type: 'UINT8', base: 'DEC', strings: TCP_OPTION_KINDS, desc: "This option's kind (0 EOL, 1 NOP, 2 MSS, 3 window scale, 4 SACK permitted, 5 SACK, 8 timestamps)" },
    option_len: { abbrev: 'tcp.option_len', name: 'Length', type: 'UINT8', base: 'DEC', auto: 'length', desc: 'Length of the option in bytes, kind and length bytes included' },
    mss_val: { abbrev: 'tcp.options.mss_val', name: 'MSS Value', type: 'UINT16', base: 'DEC', desc: 'Maximum segment size: the largest segment data the sender will accept (SYN only)' },
    wscale_shift: { abbrev: 'tcp.options.wscale.shift', name: 'Shift count', type: 'UINT8', base: 'DEC', desc: 'Window scale: the other side shifts its windows left by this many bits (at most 14)' },
    wscale_multiplier: { abbrev: 'tcp.options.wscale.multiplier', name: 'Multiplier', type: 'UINT16', base: 'DEC', desc: 'Multiply the window field by this (2 to the shift count)' },
    sack_le: { abbrev: 'tcp.options.sack_le', name: 'TCP SACK Left Edge', type: 'UINT32', base: 'DEC', desc: 'First sequence number of a block received out of order' },
    sack_re: { abbrev: 'tcp.options.sack_re', name: 'TCP SACK Right Edge', type: 'UINT32', base: 'DEC', desc: 'Sequence number just after the end of that block' },
    sack_count: { abbrev: 'tcp.options.sack.count', name: 'TCP SACK Count', type: 'UINT8', base: 'DEC', desc: 'How many blocks the SACK option lists' },
    dsack_le: { abbrev: 'tcp.options.sack.dsack_le', name: 'TCP D-SACK Left Edge', type: 'UINT32', base: 'DEC', desc: 'Duplicate SACK (RFC 2883): the first block reports data received twice' },
    dsack_re: { abbrev: 'tcp.options.sack.dsack_re', name: 'TCP D-SACK Right Edge', type: 'UINT32', base: 'DEC', desc: 'End of the duplicate block' },
    dsack: { abbrev: 'tcp.options.sack.dsack', name: 'D-SACK Sequence', type: 'NONE', desc: 'The first SACK block is below the acknowledgment number or inside the second block: a duplicate' },
    tsval: { abbrev: 'tcp.options.timestamp.tsval', name: 'Timestamp value', type: 'UINT32', base: 'DEC', desc: "The sender's timestamp clock when it sent the segment (RFC 7323)" },
    tsecr: { abbrev: 'tcp.options.timestamp.tsecr', name: 'Timestamp echo reply', type: 'UINT32', base: 'DEC', desc: 'The most recent timestamp value received from the other side, echoed back for RTT measurement' },
    tfo_request: { abbrev: 'tcp.options.tfo.request', name: 'Fast Open Cookie Request', type: 'NONE', desc: 'A SYN asking the server for a Fast Open cookie (RFC 7413)' },
    tfo_cookie: { abbrev: 'tcp.options.tfo.cookie', name: 'Fast Open Cookie', type: 'BYTES', desc: 'The cookie that lets a later SYN carry data (RFC 7413)' },
    exp_exid: { abbrev: 'tcp.options.experimental.exid', name: 'Experiment Identifier', type: 'UINT16', base: 'HEX', desc: 'Which experiment a shared experimental option (kind 253/254) belongs to (RFC 6994)' },
    exp_data: { abbrev: 'tcp.options.experimental.data', name: 'Data', type: 'BYTES', desc: 'Data of an experimental option' },
    md5_digest: { abbrev: 'tcp.options.md5.digest', name: 'MD5 digest', type: 'BYTES', desc: 'RFC 2385 MD5 signature of the segment (BGP sessions)' },
    user_to_granularity: { abbrev: 'tcp.options.user_to_granularity', name: 'Granularity', type: 'BOOLEAN', bitmask: 0x8000, tfs: ['Minutes', 'Seconds'], desc: 'Unit of the user timeout (RFC 5482)' },
    user_to_val: { abbrev: 'tcp.options.user_to_val', name: 'User Timeout', type: 'UINT16', base: 'DEC', bitmask: 0x7fff, desc: 'How long the sender waits for acknowledgments before giving up the connection' },
    qs_rate: { abbrev: 'tcp.options.qs.rate', name: 'QS Rate', type: 'UINT8', base: 'DEC', bitmask: 0x0f, strings: QS_RATES, desc: 'Quick-Start (RFC 4782): the rate requested or approved, as a power-of-two step from 80 kbit/s' },
    qs_ttl_diff: { abbrev: 'tcp.options.qs.ttl_diff', name: 'QS Rate', type: 'UINT8', base: 'DEC', desc: 'Quick-Start: TTL difference the receiver reports back (tshark labels it QS Rate too)' },
    ao_keyid: { abbrev: 'tcp.options.ao.keyid', name: 'AO KeyID', type: 'UINT8', base: 'DEC', desc: 'TCP Authentication Option (RFC 5925): the key the MAC was computed with' },
    ao_rnextkeyid: { abbrev: 'tcp.options.ao.rnextkeyid', name: 'AO RNextKeyID', type: 'UINT8', base: 'DEC', desc: 'TCP-AO: the key the sender wants to receive next' },
    ao_mac: { abbrev: 'tcp.options.ao.mac', name: 'AO MAC', type: 'BYTES', desc: 'TCP-AO: message authentication code of the segment' },
    acc_ecn_ee0b: { abbrev: 'tcp.options.acc_ecn.ee0b', name: 'Accurate ECN Echo ECT(0) Byte Counter', type: 'UINT24', base: 'DEC', desc: 'AccECN: bytes received marked ECT(0), modulo 2^24' },
    acc_ecn_eceb: { abbrev: 'tcp.options.acc_ecn.eceb', name: 'Accurate ECN Echo CE Byte Counter', type: 'UINT24', base: 'DEC', desc: 'AccECN: bytes received marked Congestion Experienced, modulo 2^24' },
    acc_ecn_ee1b: { abbrev: 'tcp.options.acc_ecn.ee1b', name: 'Accurate ECN Echo ECT(1) Byte Counter', type: 'UINT24', base: 'DEC', desc: 'AccECN: bytes received marked ECT(1), modulo 2^24' },
    unknown_payload: { abbrev: 'tcp.options.unknown.payload', name: 'Payload', type: 'BYTES', desc: 'Data of an option wirelens does not interpret' },
    option_len_invalid: { abbrev: 'tcp.option.len.invalid', name: 'Invalid length for option', type: 'NONE', desc: 'The option length is wrong for its kind or goes past the end of the options' },
    suboption_malformed: { abbrev: 'tcp.suboption_malformed', name: 'suboption would go past end of option', type: 'NONE', desc: 'The option data ends in the middle of an item' },
    non_zero_after_eol: { abbrev: 'tcp.non_zero_bytes_after_eol', name: 'Non zero bytes in option space after EOL option', type: 'NONE', desc: 'Header padding after the End of Option List should be zero' },
    wscale_invalid: { abbrev: 'tcp.options.wscale.shift.invalid', name: 'Window scale shift exceeds 14', type: 'NONE', desc: 'RFC 7323 limits the shift count to 14' },
    bogus_header_length: { abbrev: 'tcp.bogus_header_length', name: 'Bogus TCP header length', type: 'NONE', desc: 'The data offset is below 5 words (20 bytes)' },
    short_segment: { abbrev: 'tcp.short_segment', name: 'Short segment', type: 'NONE', desc: 'The IP payload is shorter than the TCP header length' },
    time_relative: { abbrev: 'tcp.time_relative', name: 'Time since first frame in this TCP stream', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the first segment of this connection in the capture' },
    time_delta: { abbrev: 'tcp.time_delta', name: 'Time since previous frame in this TCP stream', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the previous segment of this connection (either direction)' },
    pdu_size: { abbrev: 'tcp.pdu.size', name: 'PDU Size', type: 'UINT32', base: 'DEC', desc: 'Length of a whole upper-layer message carried in this segment' },
    analysis: { abbrev: 'tcp.analysis', name: 'SEQ/ACK analysis', type: 'NONE', desc: "What tshark's sequence analysis found about this segment" },
    analysis_flags: { abbrev: 'tcp.analysis.flags', name: 'TCP Analysis Flags', type: 'NONE', desc: 'The segment was flagged by the sequence analysis (retransmission, duplicate ACK...)' },
    acks_frame: { abbrev: 'tcp.analysis.acks_frame', name: 'This is an ACK to the segment in frame', type: 'FRAMENUM', base: 'NONE', desc: 'The segment whose end this acknowledgment number reaches' },
    ack_rtt: { abbrev: 'tcp.analysis.ack_rtt', name: 'The RTT to ACK the segment was', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time from that segment to this acknowledgment' },
    initial_rtt: { abbrev: 'tcp.analysis.initial_rtt', name: 'iRTT', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'The connection\'s first round trip: from the SYN to the ACK of the SYN-ACK' },
    bytes_in_flight: { abbrev: 'tcp.analysis.bytes_in_flight', name: 'Bytes in flight', type: 'UINT32', base: 'DEC', desc: 'Bytes sent in this direction and not yet acknowledged' },
    push_bytes_sent: { abbrev: 'tcp.analysis.push_bytes_sent', name: 'Bytes sent since last PSH flag', type: 'UINT32', base: 'DEC', desc: 'Bytes sent in this direction since the last segment with PSH' },
    rto: { abbrev: 'tcp.analysis.rto', name: 'The RTO for this segment was', type: 'RELATIVE_TIME', unit: ' seconds', desc: 'Time since the segment this one retransmits' },
    rto_frame: { abbrev: 'tcp.analysis.rto_frame', name: 'RTO based on delta from frame', type: 'FRAMENUM', base: 'NONE', desc: 'The segment this one retransmits' },
    duplicate_ack: { abbrev: 'tcp.analysis.duplicate_ack', name: 'Duplicate ACK', type: 'NONE', desc: 'The same acknowledgment and window again, with no data' },
    duplicate_ack_num: { abbrev: 'tcp.analysis.duplicate_ack_num', name: 'Duplicate ACK #', type: 'UINT32', base: 'DEC', desc: 'How many duplicates of that acknowledgment so far' },
    duplicate_ack_frame: { abbrev: 'tcp.analysis.duplicate_ack_frame', name: 'Duplicate to the ACK in frame', type: 'FRAMENUM', base: 'NONE', desc: 'The segment that first carried this acknowledgment' },
    a_retransmission: { abbrev: 'tcp.analysis.retransmission', name: 'This frame is a (suspected) retransmission', type: 'NONE', desc: 'Data sent again: it does not advance the sequence' },
    a_fast_retransmission: { abbrev: 'tcp.analysis.fast_retransmission', name: 'This frame is a (suspected) fast retransmission', type: 'NONE', desc: 'A retransmission right after duplicate ACKs asked for it' },
    a_spurious_retransmission: { abbrev: 'tcp.analysis.spurious_retransmission', name: 'This frame is a (suspected) spurious retransmission', type: 'NONE', desc: 'Data sent again that the other side had already acknowledged' },
    a_out_of_order: { abbrev: 'tcp.analysis.out_of_order', name: 'This frame is a (suspected) out-of-order segment', type: 'NONE', desc: 'Data that arrives after data following it' },
    a_reused_ports: { abbrev: 'tcp.analysis.reused_ports', name: 'A new tcp session is started with the same ports as an earlier session in this trace', type: 'NONE', desc: 'A SYN with another initial sequence number on ports seen before' },
    a_lost_segment: { abbrev: 'tcp.analysis.lost_segment', name: 'Previous segment(s) not captured (common at capture start)', type: 'NONE', desc: 'A gap in the sequence: some data was not captured' },
    a_ack_lost_segment: { abbrev: 'tcp.analysis.ack_lost_segment', name: "ACKed segment that wasn't captured (common at capture start)", type: 'NONE', desc: 'An acknowledgment of data never seen' },
    a_window_update: { abbrev: 'tcp.analysis.window_update', name: 'TCP window update', type: 'NONE', desc: 'A segment that only changes the advertised window' },
    a_window_full: { abbrev: 'tcp.analysis.window_full', name: 'TCP window specified by the receiver is now completely full', type: 'NONE', desc: 'Data up to the edge of the window the receiver advertised' },
    a_keep_alive: { abbrev: 'tcp.analysis.keep_alive', name: 'TCP keep-alive segment', type: 'NONE', desc: 'A segment one byte behind the sequence, to keep the connection up' },
    a_keep_alive_ack: { abbrev: 'tcp.analysis.keep_alive_ack', name: 'ACK to a TCP keep-alive segment', type: 'NONE', desc: 'The acknowledgment of a keep-alive' },
    a_zero_window_probe: { abbrev: 'tcp.analysis.zero_window_probe', name: 'TCP Zero Window Probe', type: 'NONE', desc: 'One byte sent to a receiver whose window is 0' },
    a_zero_window: { abbrev: 'tcp.analysis.zero_window', name: 'TCP Zero Window segment', type: 'NONE', desc: 'The receiver has no room: window 0' },
    a_zero_window_probe_ack: { abbrev: 'tcp.analysis.zero_window_probe_ack', name: 'ACK to a TCP Zero Window Probe', type: 'NONE', desc: 'The acknowledgment of a zero window probe' },
    payload: { abbrev: 'tcp.payload', name: 'TCP payload', type: 'BYTES', desc: 'The data the segment carries' },
  },
);

const fixed = compileHeader(tcpTable);
/** `{ options, checksumStatus }` with the fixed fields read after them, in one allocation. */
const makeValue = fixed.creator(['options', 'checksumStatus']);
const F = tcpTable.fields;

/** Flag bits (the low 12 bits of bytes 12-13). */
export const TCP_FLAGS = { FIN: 0x001, SYN: 0x002, RST: 0x004, PSH: 0x008, ACK: 0x010, URG: 0x020, ECE: 0x040, CWR: 0x080, AE: 0x100, RES: 0xe00 } as const;

/** One TCP option. `unknown` keeps the raw bytes of any other kind, or of a known kind with a wrong length. */
export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; mss: number }
  | { kind: 'wscale'; shift: number }
  | { kind: 'sack_perm' }
  /** `rest`: trailing bytes that do not make a whole block (a malformed length). */
  | { kind: 'sack'; blocks: { le: number; re: number }[]; rest?: Uint8Array }
  | { kind: 'timestamp'; tsval: number; tsecr: number }
  /** Kind 34 (RFC 7413); an empty cookie is a cookie request. */
  | { kind: 'tfo'; cookie: Uint8Array }
  /**
   * Raw option: `data` is what follows the length byte. `len` is the length byte when it does not match
   * (2 + data.length) — a length below 2 or past the end of the options; `null` when the option has no length byte.
   */
  | { kind: 'unknown'; type: number; data: Uint8Array; len?: number | null; cut?: boolean };

export interface TcpValue {
  srcport: number;
  dstport: number;
  /** tcp.seq_raw, tcp.ack_raw: the numbers on the wire. */
  seq: number;
  ack: number;
  /** Header length in bytes (data offset × 4). */
  hdr_len: number;
  /** The 12 flag bits (TCP_FLAGS). */
  flags: number;
  /** tcp.window_size_value: the window field before scaling. */
  window: number;
  checksum: number;
  urgent_pointer: number;
  options: TcpOption[];
  /** Bytes after an End of Option List that are not zero (tshark: "Non-zero header padding"). */
  padding?: Uint8Array;
  /** With a header length below 20: the bytes after the fixed header (tshark dissects nothing more). */
  extra?: Uint8Array;
  /** tcp.len: data bytes, from the enclosing IP length; undefined when unknown (IP fragment, ICMP quote, short). */
  seglen?: number;
  checksumStatus: 'good' | 'bad' | 'unchecked';
  checksumCalculated?: number;
  /** The IP payload is shorter than the header length (tshark's "Short segment" note; no tcp.len). */
  shortSegment?: boolean;
  /** Quoted by an ICMP/ICMPv6 error: tshark shows the sequence number right after the ports and no segment length. */
  quoted?: boolean;
}

export interface TcpInput {
  srcport?: number;
  /** Undefined: the inner protocol's tcp.port binding (0 when none). */
  dstport?: number;
  seq?: number;
  ack?: number;
  /** Undefined: 20 + the options padded to 4 bytes. */
  hdr_len?: number;
  /** The 12 flag bits; undefined: PSH+ACK with a payload, SYN without. */
  flags?: number;
  /** Undefined: 65535. */
  window?: number;
  /** Undefined: computed over the enclosing IP pseudo-header (0 when there is none). */
  checksum?: number;
  urgent_pointer?: number;
  options?: TcpOption[];
  /** Raw bytes after the options; undefined: zeros up to a multiple of 4. */
  padding?: Uint8Array;
  extra?: Uint8Array;
}

/** Stream facts the stateful tracker attaches as `layer.notes.tcp`. */
export interface TcpNotes {
  /** tcp.stream */
  stream: number;
  /** tcp.completeness as it was before this segment (what tshark shows). */
  completeness: number;
  /** Base sequence numbers for relative numbers: this direction's (seq, nxtseq) and the other's (ack, SACK edges). */
  seqBase?: number;
  ackBase?: number;
  /** Window scale shift for this direction: -1 unknown, -2 no scaling, else the shift count. */
  windowScale: number;
  /** Accurate ECN negotiated: the AE, CWR and ECE bits are the ACE counter. */
  ace: boolean;
  /** Sequence analysis of the segment (flags for the Info column, the tcp.analysis tree), when its length is known. */
  analysis?: TcpAnalysis;
  /** tcp.time_relative and tcp.time_delta as seconds with 9 decimals (when the frame's time is known). */
  timeRelative?: string;
  timeDelta?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------------

function u32(b: Uint8Array, off: number): number {
  return readUint(b, off, 4);
}

/**
 * Options in [start, end) (captured bytes); `hdrEnd` is where the header length says they end. An option that fits
 * the header but not the captured bytes is kept raw with `cut` (tshark shows its kind and length, then stops).
 */
function parseOptions(b: Uint8Array, start: number, end: number, hdrEnd: number, v: TcpValue, problems: Problem[]): void {
  let i = start;
  while (i < end) {
    const t = b[i]!;
    if (t === 0) {
      v.options.push({ kind: 'eol' });
      i++;
      // tshark shows each following zero byte as another EOL; a non-zero byte ends the options as bad padding.
      if (i < end && b[i] !== 0) {
        v.padding = b.subarray(i, end);
        problems.push(problem('tcp', 'bad-value', i, end, 'non-zero header padding after End of Option List', { field: 'tcp.non_zero_bytes_after_eol', severity: 'warning' }));
        return;
      }
      continue;
    }
    if (t === 1) {
      v.options.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= end && i + 1 < hdrEnd) {
      // the capture ends before the length byte
      v.options.push({ kind: 'unknown', type: t, data: b.subarray(end, end), len: null, cut: true });
      return;
    }
    if (i + 1 >= end) {
      problems.push(problem('tcp', 'truncated', i, end, `option ${t} has no length byte`, { field: 'tcp.option_len', limitedBy: 'tcp.hdr_len', severity: 'warning' }));
      v.options.push({ kind: 'unknown', type: t, data: b.subarray(end, end), len: null });
      return;
    }
    const len = b[i + 1]!;
    if (len >= 2 && i + len <= hdrEnd && i + len > end) {
      v.options.push({ kind: 'unknown', type: t, data: b.subarray(i + 2, end), len, cut: true });
      return;
    }
    if (len < 2 || i + len > end) {
      problems.push(
        problem('tcp', 'bad-length', i + 1, i + 2, `option ${t} length ${len} ${len < 2 ? 'is less than 2' : 'goes past the end of the options'}`, {
          field: 'tcp.option_len',
          actual: len,
          ...(len < 2 ? { expected: 2 } : { expected: end - i }),
          limitedBy: 'tcp.hdr_len',
          severity: 'warning',
        }),
      );
      v.options.push({ kind: 'unknown', type: t, data: b.subarray(i + 2, end), len });
      return;
    }
    const d = i + 2;
    const fixedLen = FIXED_LENGTH[t];
    if (fixedLen !== undefined && len !== fixedLen) {
      problems.push(problem('tcp', 'bad-length', i + 1, i + 2, `option ${t} length ${len}, should be ${fixedLen}`, { field: 'tcp.option_len', expected: fixedLen, actual: len, severity: 'warning' }));
      v.options.push({ kind: 'unknown', type: t, data: b.subarray(d, i + len) });
    } else if (t === 2) v.options.push({ kind: 'mss', mss: readUint(b, d, 2) });
    else if (t === 3) v.options.push({ kind: 'wscale', shift: b[d]! });
    else if (t === 4) v.options.push({ kind: 'sack_perm' });
    else if (t === 8) v.options.push({ kind: 'timestamp', tsval: u32(b, d), tsecr: u32(b, d + 4) });
    else if (t === 5) {
      const blocks: { le: number; re: number }[] = [];
      let j = d;
      for (; j + 8 <= i + len; j += 8) blocks.push({ le: u32(b, j), re: u32(b, j + 4) });
      const o: TcpOption = { kind: 'sack', blocks };
      if (j < i + len) {
        o.rest = b.subarray(j, i + len);
        problems.push(problem('tcp', 'bad-length', i + 1, i + 2, `SACK option length ${len} is not 2 + 8 × blocks`, { field: 'tcp.option_len', actual: len }));
      } else if (blocks.length === 0) {
        problems.push(problem('tcp', 'bad-length', i + 1, i + 2, 'SACK option without any block', { field: 'tcp.option_len', actual: len, expected: 10 }));
      }
      v.options.push(o);
    } else if (t === 34) v.options.push({ kind: 'tfo', cookie: b.subarray(d, i + len) });
    else v.options.push({ kind: 'unknown', type: t, data: b.subarray(d, i + len) });
    i += len;
  }
}

/** True when the segment is (part of) an IP fragment that was not reassembled. */
function inFragment(b: Uint8Array, ctx: DecodeContext): boolean {
  const outer = ctx.layers[ctx.layers.length - 1];
  if (!outer || (outer.bytes !== undefined && outer.bytes !== b)) return false;
  const v = outer.value as Record<string, unknown>;
  if (outer.proto.name === 'ip') return v.mf === true || (typeof v.frag_offset === 'number' && v.frag_offset !== 0);
  if (outer.proto.name === 'ipv6' && Array.isArray(v.ext)) {
    // an atomic fragment (offset 0, no more fragments) is a whole datagram
    return (v.ext as { kind: string; more?: boolean; offset?: number }[]).some((e) => e.kind === 'fragment' && (e.more === true || e.offset !== 0));
  }
  return false;
}

function isIPv6(ctx: DecodeContext): boolean {
  for (let i = ctx.layers.length - 1; i >= 0; i--) {
    const n = ctx.layers[i]!.proto.name;
    if (n === 'ipv6') return true;
    if (n === 'ip') return false;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------------------------

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];

/** tshark's flags string: `SYN, ACK`, `ACK, ACE=5`, `<None>`. */
export function flagsText(flags: number, ace = false): string {
  const parts: string[] = [];
  for (let i = 0; i < (ace ? 6 : 9); i++) if (flags & (1 << i)) parts.push(FLAG_NAMES[i]!);
  if (ace) parts.push(`ACE=${(flags >> 6) & 7}`);
  if (flags & 0xe00) parts.push('Reserved');
  return parts.length ? parts.join(', ') : '<None>';
}

/** tcp.flags.str: `·······AP···`. */
function flagLetters(flags: number, ace: boolean): string {
  const letters = 'RRRACEUAPRSF';
  let s = '';
  for (let i = 0; i < 12; i++) {
    if (ace && i >= 3 && i <= 5) {
      s += i === 4 ? String((flags >> 6) & 7) : '-';
      continue;
    }
    s += (flags >> (11 - i)) & 1 ? letters[i] : '\u00b7';
  }
  return s;
}

/** A 12-bit drawing (`.... ...1 .... = `) of `mask` over the flags. */
function bits12(mask: number, flags: number): string {
  let s = '';
  for (let i = 11; i >= 0; i--) {
    const m = 1 << i;
    s += mask & m ? (flags & m ? '1' : '0') : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return s + ' = ';
}

function hex4(n: number): string {
  return '0x' + n.toString(16).padStart(4, '0');
}

function optionType(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
      return 0;
    case 'nop':
      return 1;
    case 'mss':
      return 2;
    case 'wscale':
      return 3;
    case 'sack_perm':
      return 4;
    case 'sack':
      return 5;
    case 'timestamp':
      return 8;
    case 'tfo':
      return 34;
    default:
      return o.type;
  }
}

/** Bytes the option takes on the wire. */
function optionSize(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sack_perm':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks.length + (o.rest?.length ?? 0);
    case 'timestamp':
      return 10;
    case 'tfo':
      return 2 + o.cookie.length;
    default:
      return (o.len === null ? 1 : 2) + o.data.length;
  }
}

/** Whether tshark lists the option in `Options: (N bytes), ...` (options cut by a bad length are not). */
function optionListed(o: TcpOption): boolean {
  return !(o.kind === 'unknown' && o.len !== undefined) && !optionThrows(o);
}

/** Options that make tshark's dissector throw (a SACK without any block): nothing after them is shown. */
function optionThrows(o: TcpOption): boolean {
  return o.kind === 'sack' && o.blocks.length === 0 && !o.rest;
}

/** The options tshark shows: up to and including one that throws. */
function shownOptions(opts: readonly TcpOption[]): readonly TcpOption[] {
  const k = opts.findIndex(optionThrows);
  return k < 0 ? opts : opts.slice(0, k + 1);
}

function optionTitle(type: number): string {
  return OPTION_TITLES[type] ?? 'Unknown';
}

/** AccECN counters (order 0: EE0B ECEB EE1B; order 1: EE1B ECEB EE0B), as many whole 3-byte fields as present. */
function accEcnCounters(data: Uint8Array, order: number): { key: 'acc_ecn_ee0b' | 'acc_ecn_eceb' | 'acc_ecn_ee1b'; short: string; at: number; value: number }[] {
  const keys = order === 0 ? (['acc_ecn_ee0b', 'acc_ecn_eceb', 'acc_ecn_ee1b'] as const) : (['acc_ecn_ee1b', 'acc_ecn_eceb', 'acc_ecn_ee0b'] as const);
  const short = { acc_ecn_ee0b: 'EE0B', acc_ecn_eceb: 'ECEB', acc_ecn_ee1b: 'EE1B' } as const;
  const out: { key: 'acc_ecn_ee0b' | 'acc_ecn_eceb' | 'acc_ecn_ee1b'; short: string; at: number; value: number }[] = [];
  for (let k = 0; k < 3 && 3 * k + 3 <= data.length; k++) out.push({ key: keys[k]!, short: short[keys[k]!], at: 3 * k, value: readUint(data, 3 * k, 3) });
  return out;
}

function isDsack(blocks: readonly { le: number; re: number }[], ack: number): boolean {
  const first = blocks[0];
  if (!first) return false;
  if (((first.le - ack) | 0) < 0) return true;
  const second = blocks[1];
  return !!second && ((first.le - second.le) | 0) >= 0 && ((second.re - first.re) | 0) >= 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Tree
// ---------------------------------------------------------------------------------------------------------------

interface Rel {
  seqBase: number;
  ackBase: number;
  relative: boolean;
}

function relInfo(layer: Layer<TcpValue>, prefs: TreeContext['prefs']): Rel {
  const n = layer.notes?.tcp as TcpNotes | undefined;
  const relative = !!n && prefs['tcp.analyze_sequence_numbers'] && prefs['tcp.relative_sequence_numbers'] && n.seqBase !== undefined && layer.value.seglen !== undefined;
  return { seqBase: relative ? n!.seqBase! : 0, ackBase: relative ? (n!.ackBase ?? 0) : 0, relative };
}

function optionNodes(b: Uint8Array, start: number, v: TcpValue, rel: Rel): FieldNode[] {
  const nodes: FieldNode[] = [];
  let i = start;
  const ackFlag = (v.flags & TCP_FLAGS.ACK) !== 0;
  const shown = shownOptions(v.options);
  for (const o of shown) {
    const type = optionType(o);
    const size = optionSize(o);
    const title = optionTitle(type);
    const kindNode: FieldNode = { def: F.option_kind, start: i, len: 1, value: type, ...(TCP_OPTION_KINDS[type] === undefined ? { text: `Kind: Unknown (${type})` } : {}) };
    if (o.kind === 'eol' || o.kind === 'nop') {
      nodes.push({ def: tcpTable.proto, start: i, len: 1, value: null, text: `TCP Option - ${title}`, children: [kindNode] });
      i += 1;
      continue;
    }
    if (o.kind === 'unknown' && o.cut) {
      const kids = o.len === null ? [kindNode] : [kindNode, { def: F.option_len, start: i + 1, len: 1, value: o.len ?? 0 } as FieldNode, ...(type === 29 ? aoNodes(o.data, i + 2, false) : [])];
      nodes.push({ def: tcpTable.proto, start: i, len: size, value: null, text: `TCP Option - ${title}`, children: kids });
      i += size;
      continue;
    }
    if (o.kind === 'unknown' && o.len !== undefined) {
      // a length below 2 or past the end of the options: tshark shows a note and stops
      const text =
        o.len === null
          ? `${title} (length byte past end of options)`
          : o.len < 2
            ? `${title} (with too-short option length = ${o.len} byte${o.len === 1 ? '' : 's'})`
            : `${title} (option length = ${o.len} bytes says option goes past end of options)`;
      nodes.push({ def: F.option_len_invalid, start: i, len: size, value: null, text });
      i += size;
      continue;
    }
    const lenNode: FieldNode = { def: F.option_len, start: i + 1, len: 1, value: size };
    const children: FieldNode[] = [kindNode, lenNode];
    const d = i + 2;
    let label = `TCP Option - ${title}`;
    switch (o.kind) {
      case 'mss':
        children.push({ def: F.mss_val, start: d, len: 2, value: o.mss });
        label += `: ${o.mss} bytes`;
        break;
      case 'wscale':
        children.push({ def: F.wscale_shift, start: d, len: 1, value: o.shift });
        children.push({ def: F.wscale_multiplier, start: d, len: 1, value: 1 << Math.min(o.shift, 14), generated: true });
        label += `: ${o.shift} (multiply by ${1 << Math.min(o.shift, 14)})`;
        break;
      case 'sack_perm':
        break;
      case 'timestamp':
        children.push({ def: F.tsval, start: d, len: 4, value: o.tsval });
        children.push({ def: F.tsecr, start: d + 4, len: 4, value: o.tsecr });
        label += `: TSval ${o.tsval}, TSecr ${o.tsecr}`;
        break;
      case 'sack': {
        const rs = (n: number): number => (n - rel.ackBase) >>> 0;
        const sfx = rel.relative ? '    (relative)' : '';
        let j = d;
        const parts: string[] = [];
        for (const blk of o.blocks) {
          children.push({ def: F.sack_le, start: j, len: 4, value: rs(blk.le), text: `left edge = ${rs(blk.le)}${sfx}` });
          children.push({ def: F.sack_re, start: j + 4, len: 4, value: rs(blk.re), text: `right edge = ${rs(blk.re)}${sfx}` });
          parts.push(`${rs(blk.le)}-${rs(blk.re)}`);
          j += 8;
        }
        if (o.rest) children.push({ def: F.suboption_malformed, start: j, len: o.rest.length, value: null, text: 'suboption would go past end of option' });
        children.push({ def: F.sack_count, start: i, len: size, value: o.blocks.length, generated: true });
        if (isDsack(o.blocks, v.ack)) {
          const f = o.blocks[0]!;
          children.push({ def: F.dsack_le, start: d, len: 4, value: rs(f.le), generated: true, text: `[D-SACK Left Edge = ${rs(f.le)}${sfx}]` });
          children.push({ def: F.dsack_re, start: d + 4, len: 4, value: rs(f.re), generated: true, text: `[D-SACK Right Edge = ${rs(f.re)}${sfx}]` });
          children.push({ def: F.dsack, start: d, len: 8, value: null, text: 'D-SACK Sequence' });
        }
        if (parts.length) label += ' ' + parts.join(' ');
        break;
      }
      case 'tfo':
        if (o.cookie.length) children.push({ def: F.tfo_cookie, start: d, len: o.cookie.length, value: o.cookie });
        else children.push({ def: F.tfo_request, start: i, len: 2, value: null });
        break;
      case 'unknown': {
        const data = o.data;
        const fixedLen = FIXED_LENGTH[type];
        if (fixedLen !== undefined && size !== fixedLen) {
          (lenNode as { children?: FieldNode[] }).children = [{ def: F.option_len_invalid, start: i + 1, len: 1, value: null, text: `[option length should be ${fixedLen}]` }];
          break;
        }
        if (type === 19) children.push({ def: F.md5_digest, start: d, len: data.length, value: data });
        else if (type === 27) {
          children.push({ def: F.qs_rate, start: d, len: 1, value: data[0]! & 0x0f, bitmask: 0x0f });
          children.push({ def: F.qs_ttl_diff, start: d + 1, len: 1, value: data[1]! });
        } else if (type === 29) children.push(...aoNodes(data, d, true));
        else if (type === 28 && data.length >= 2) {
          const w = readUint(data, 0, 2);
          children.push({ def: F.user_to_granularity, start: d, len: 2, value: (w & 0x8000) !== 0, bitmask: 0x8000 });
          children.push({ def: F.user_to_val, start: d, len: 2, value: w & 0x7fff, bitmask: 0x7fff });
        } else if ((type === 253 || type === 254) && data.length >= 2) {
          const exid = readUint(data, 0, 2);
          const name = EXP_IDS[exid] ?? 'Unknown';
          children.push({ def: F.exp_exid, start: d, len: 2, value: exid, text: `Experiment Identifier: ${name} (${hex4(exid)})` });
          label += `: ${name}`;
          const rest = data.subarray(2);
          if (exid === 0xf989) {
            if (rest.length) children.push({ def: F.tfo_cookie, start: d + 2, len: rest.length, value: rest });
            else children.push({ def: F.tfo_request, start: i, len: 4, value: null });
          } else if (exid === 0xacc0 || exid === 0xacc1) {
            const order = exid & 1;
            const cs = accEcnCounters(rest, order);
            for (const c of cs) children.push({ def: F[c.key], start: d + 2 + c.at, len: 3, value: c.value });
            label += `: Accurate ECN (Order ${order})${cs.length ? ': ' + cs.map((c) => `${c.short} ${c.value}`).join(', ') : ''}`;
          } else if (rest.length) children.push({ def: F.exp_data, start: d + 2, len: rest.length, value: rest });
        } else if (type === 172 || type === 174) {
          const order = type === 172 ? 0 : 1;
          const cs = accEcnCounters(data, order);
          for (const c of cs) children.push({ def: F[c.key], start: d + c.at, len: 3, value: c.value });
          label += `: Accurate ECN (Order ${order})${cs.length ? ': ' + cs.map((c) => `${c.short} ${c.value}`).join(', ') : ''}`;
        } else if (TCP_OPTION_KINDS[type] === undefined && data.length) {
          children.push({ def: F.unknown_payload, start: d, len: data.length, value: data });
        }
        break;
      }
    }
    nodes.push({ def: tcpTable.proto, start: i, len: size, value: null, text: label, children });
    i += size;
  }
  if (v.padding && shown.length === v.options.length) nodes.push({ def: F.non_zero_after_eol, start: i, len: v.padding.length, value: null, text: 'Non-zero header padding' });
  // each option is an item of the protocol tshark registers for its kind (`tcp.options.mss`...)
  return nodes.map((n) => {
    const kind = n.def === tcpTable.proto ? n.children?.[0] : undefined;
    return kind?.def === F.option_kind && typeof kind.value === 'number' ? { ...n, def: tcpOptionProto(kind.value) } : n;
  });
}

/** The protocols tshark registers for TCP options (`tshark -G protocols`: `TCP Option - Maximum segment size`). */
const TCP_OPTION_PROTO_NAMES: Readonly<Record<number, string>> = {
  0: 'eol', 1: 'nop', 2: 'mss', 3: 'wscale', 4: 'sack_perm', 5: 'sack', 6: 'echo', 7: 'echoreply', 8: 'timestamp', 11: 'cc',
  12: 'ccnew', 13: 'ccecho', 19: 'md5', 20: 'scps', 21: 'snack', 22: 'scpsrec', 23: 'scpscor', 27: 'qs', 28: 'user_to', 29: 'ao',
  34: 'tfo', 76: 'rvbd.probe', 78: 'rvbd.trpy', 172: 'acc_ecn', 174: 'acc_ecn', 253: 'experimental', 254: 'experimental',
};
const tcpOptionProtos = new Map<number, FieldDef>();

function tcpOptionProto(kind: number): FieldDef {
  let d = tcpOptionProtos.get(kind);
  if (!d) {
    const name = TCP_OPTION_PROTO_NAMES[kind] ?? 'unknown';
    d = { abbrev: `tcp.options.${name}`, name: `TCP Option - ${OPTION_TITLES[kind] ?? 'Unknown'}`, type: 'PROTOCOL', desc: 'A TCP option' };
    tcpOptionProtos.set(kind, d);
  }
  return d;
}

/** TCP-AO fields over the bytes present (tshark stops where the capture does). */
function aoNodes(data: Uint8Array, d: number, whole: boolean): FieldNode[] {
  const out: FieldNode[] = [];
  if (data.length >= 1) out.push({ def: F.ao_keyid, start: d, len: 1, value: data[0]! });
  if (data.length >= 2) out.push({ def: F.ao_rnextkeyid, start: d + 1, len: 1, value: data[1]! });
  if (whole && data.length > 2) out.push({ def: F.ao_mac, start: d + 2, len: data.length - 2, value: data.subarray(2) });
  return out;
}

function optionsLength(v: { options?: readonly TcpOption[]; padding?: Uint8Array | undefined }): number {
  let n = 0;
  for (const o of v.options ?? []) n += optionSize(o);
  return n + (v.padding?.length ?? 0);
}

/** tshark's Info-column words for the options (`MSS=1460 SACK_PERM WS=128`). */
function optionInfo(v: TcpValue, rel: Rel): string {
  let s = '';
  for (const o of shownOptions(v.options)) {
    switch (o.kind) {
      case 'mss':
        s += ` MSS=${o.mss}`;
        break;
      case 'wscale':
        s += ` WS=${1 << Math.min(o.shift, 14)}`;
        break;
      case 'sack_perm':
        s += ' SACK_PERM';
        break;
      case 'timestamp':
        s += ` TSval=${o.tsval} TSecr=${o.tsecr}`;
        break;
      case 'sack':
        for (const blk of o.blocks) s += ` SLE=${(blk.le - rel.ackBase) >>> 0} SRE=${(blk.re - rel.ackBase) >>> 0}`;
        break;
      case 'tfo':
        s += o.cookie.length ? ' TFO=C' : ' TFO=R';
        break;
      case 'unknown': {
        // tshark's AO dissector appends "TCP AO" (no space) before it reads the key ids
        if (o.type === 29 && (o.len === undefined || (o.cut && o.data.length >= 2))) s += 'TCP AO';
        if (o.len !== undefined) return s;
        const fixedLen = FIXED_LENGTH[o.type];
        if (fixedLen !== undefined && 2 + o.data.length !== fixedLen) break;
        if (o.type === 19) s += ' MD5';
        else if (o.type === 27) s += ` QSresp=${QS_RATES[o.data[0]! & 0x0f]}`;
        else if (o.type === 28 && o.data.length >= 2) s += ` USER_TO=${readUint(o.data, 0, 2) & 0x7fff}`;
        else if ((o.type === 253 || o.type === 254) && o.data.length >= 2) {
          const exid = readUint(o.data, 0, 2);
          if (exid === 0xf989) s += o.data.length > 2 ? ' TFO=C' : ' TFO=R';
          else if (exid === 0xacc0 || exid === 0xacc1) for (const c of accEcnCounters(o.data.subarray(2), exid & 1)) s += ` ${c.short}=${c.value}`;
          else if (!EXP_IDS[exid]) s += ` ExID=${exid.toString(16)}`;
        } else if (o.type === 172 || o.type === 174) {
          for (const c of accEcnCounters(o.data, o.type === 172 ? 0 : 1)) s += ` ${c.short}=${c.value}`;
        }
        break;
      }
      default:
        break;
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Stream tracking (the `stateful` hook)
// ---------------------------------------------------------------------------------------------------------------

interface Flow {
  baseSeq?: number;
  winScale: number;
  synFlags?: number;
  /** Sequence analysis state (src/protocols/tcp-analysis.ts), made at the direction's first analysed segment. */
  an?: FlowAnalysis;
}

interface Conversation {
  stream: number;
  /** Capture times (seconds, nanoseconds) of the first and the previous segment. */
  firstSec?: number;
  firstNsec?: number;
  prevSec?: number;
  prevNsec?: number;
  /** Direction key of the side that sent the first segment. */
  first: string;
  flows: Record<string, Flow>;
  completeness: number;
  aceA: boolean;
  /** First RTT and the time of the last SYN, for the sequence analysis. */
  an?: ConnAnalysis;
}

interface TrackState {
  next: number;
  conversations: Map<string, Conversation>;
}

/** Conversations kept at most (oldest dropped first), so state stays bounded on long captures. */
const MAX_CONVERSATIONS = 100_000;

function endpoints(layer: Layer<TcpValue> | undefined, layers: readonly Layer[]): { src: string; dst: string } | undefined {
  const i = layer ? layers.indexOf(layer) : -1;
  for (let j = (i < 0 ? layers.length : i) - 1; j >= 0; j--) {
    const l = layers[j]!;
    if (l.proto.name === 'ip' || l.proto.name === 'ipv6') {
      const v = l.value as { src?: unknown; dst?: unknown };
      if (typeof v.src === 'string' && typeof v.dst === 'string') return { src: v.src, dst: v.dst };
    }
  }
  return undefined;
}

const COMPLETENESS = { SYN: 1, SYNACK: 2, ACK: 4, DATA: 8, FIN: 16, RST: 32 } as const;

function completenessText(c: number): string {
  let what: string;
  if ((c & 0x17) === 0x17 || (c & 0x27) === 0x27) what = c & COMPLETENESS.DATA ? 'Complete, WITH_DATA' : 'Complete, NO_DATA';
  else if (c === 1) what = 'Incomplete, SYN_SENT';
  else if (c === 3) what = 'Incomplete, CLIENT_ESTABLISHED';
  else if (c === 7) what = 'Incomplete, ESTABLISHED';
  else if (c === 15) what = 'Incomplete, DATA';
  else what = 'Incomplete';
  return `${what} (${c})`;
}

function track(state: TrackState, layer: Layer<TcpValue>, frame: { readonly layers: readonly Layer[] }): Record<string, unknown> | undefined {
  const v = layer.value;
  if (v.flags === undefined || v.window === undefined) return undefined;
  const ep = endpoints(layer, frame.layers);
  if (!ep) return undefined;
  const a = `${ep.src}|${v.srcport}`;
  const z = `${ep.dst}|${v.dstport}`;
  const key = a < z ? `${a}>${z}` : `${z}>${a}`;
  const syn = (v.flags & TCP_FLAGS.SYN) !== 0;
  const ackf = (v.flags & TCP_FLAGS.ACK) !== 0;
  let conv = state.conversations.get(key);
  const fresh = (): Conversation => {
    const c: Conversation = { stream: state.next++, first: a, flows: { [a]: { winScale: -1 }, [z]: { winScale: -1 } }, completeness: 0, aceA: false };
    state.conversations.delete(key);
    state.conversations.set(key, c);
    if (state.conversations.size > MAX_CONVERSATIONS) state.conversations.delete(state.conversations.keys().next().value!);
    return c;
  };
  let isNew = false;
  let reused = false;
  if (!conv) {
    conv = fresh();
    isNew = true;
  } else if (syn && !ackf && conv.flows[a]!.baseSeq !== undefined && conv.flows[a]!.baseSeq !== v.seq) {
    // a new connection reusing the ports: tshark starts it as "SYN sent"
    conv = fresh();
    conv.completeness = COMPLETENESS.SYN;
    isNew = true;
    reused = true;
  } else if (syn && !ackf && conv.flows[a]!.an && conv.flows[a]!.baseSeq === v.seq) {
    // the same SYN again: tshark restores the next expected sequence number (RFC 793 RST handling, issue 17616)
    const an = conv.flows[a]!.an!;
    an.nextseq = an.maxseqtobeacked;
  } else if (syn && ackf && conv.flows[a]!.baseSeq !== undefined && conv.flows[a]!.baseSeq !== v.seq) {
    // a SYN-ACK with another initial sequence number: tshark takes it as the base and flags the ports as reused
    conv.flows[a]!.baseSeq = v.seq;
    reused = true;
  }
  const fwd = conv.flows[a]!;
  const rev = conv.flows[z]!;
  const shown = conv.completeness;
  // per-stream times (the Dissector hands its Frame, whose record has the capture time)
  const rec = (frame as { record?: { tsSec?: number; tsNsec?: number } }).record;
  let times: { timeRelative: string; timeDelta: string } | undefined;
  if (rec && typeof rec.tsSec === 'number' && typeof rec.tsNsec === 'number') {
    const s = rec.tsSec;
    const n = rec.tsNsec;
    if (conv.firstSec === undefined || conv.firstNsec === undefined) {
      conv.firstSec = s;
      conv.firstNsec = n;
    }
    // seconds with 9 decimals (`0.069740000`), as tshark prints relative times
    times = { timeRelative: timeDiffText(s, n, conv.firstSec, conv.firstNsec), timeDelta: timeDiffText(s, n, conv.prevSec ?? s, conv.prevNsec ?? n) };
    conv.prevSec = s;
    conv.prevNsec = n;
  }
  if (v.quoted) return { tcp: { stream: conv.stream, completeness: shown, windowScale: fwd.winScale, ace: false, ...times } satisfies TcpNotes };
  // completeness, as tshark accumulates it
  if (isNew) {
    if (syn && !ackf) conv.completeness |= COMPLETENESS.SYN | ((v.seglen ?? 0) > 0 ? COMPLETENESS.DATA : 0);
  } else {
    if (syn && ackf) conv.completeness |= COMPLETENESS.SYNACK;
    if (!syn && ackf) conv.completeness |= (v.seglen ?? 0) > 0 ? COMPLETENESS.DATA : COMPLETENESS.ACK;
    if ((v.flags & (TCP_FLAGS.FIN | TCP_FLAGS.ACK)) === (TCP_FLAGS.FIN | TCP_FLAGS.ACK)) conv.completeness |= COMPLETENESS.FIN;
    if (v.flags & TCP_FLAGS.RST) conv.completeness |= COMPLETENESS.RST;
  }
  // base sequence numbers for relative numbering (tshark's analysis runs only when the segment length is known)
  if (v.seglen !== undefined) {
    if (fwd.baseSeq === undefined) fwd.baseSeq = syn ? v.seq : (v.seq - 1) >>> 0;
    if (rev.baseSeq === undefined && ackf) rev.baseSeq = (v.ack - 1) >>> 0;
  }
  // window scaling, from the SYN and SYN-ACK options
  if (syn) {
    const ws = v.options.find((o) => o.kind === 'wscale');
    if (ws && ws.kind === 'wscale') fwd.winScale = Math.min(ws.shift, 14);
    if (fwd.winScale === -1) {
      fwd.winScale = -2;
      rev.winScale = -2;
    } else if (ackf && rev.winScale === -2) fwd.winScale = -2;
    if (!ackf) fwd.synFlags = v.flags;
    else if (rev.synFlags !== undefined && (rev.synFlags & 0x1c0) === 0x1c0 && [2, 3, 4, 6].includes((v.flags >> 6) & 7)) conv.aceA = true;
  }
  const analysis = v.seglen !== undefined && rec ? analyse(conv, fwd, rev, v, reused, (frame as { number?: number }).number ?? 0, rec) : undefined;
  const notes: TcpNotes = {
    stream: conv.stream,
    completeness: shown,
    ...(analysis ? { analysis } : {}),
    seqBase: fwd.baseSeq,
    windowScale: fwd.winScale,
    ace: conv.aceA && !syn,
    ...(rev.baseSeq !== undefined ? { ackBase: rev.baseSeq } : {}),
    ...times,
  };
  return { tcp: notes };
}

// ---------------------------------------------------------------------------------------------------------------
// The SEQ/ACK analysis tree (tcp_print_sequence_number_analysis)
// ---------------------------------------------------------------------------------------------------------------

/** tshark's expert item fields (`_ws.expert`), as the analysis flags carry them. */
const EXPERT: FieldDef = { abbrev: '_ws.expert', name: 'Expert Info', type: 'PROTOCOL', desc: 'An expert item' };
const EXPERT_MESSAGE: FieldDef = { abbrev: '_ws.expert.message', name: 'Message', type: 'STRING', desc: 'What the expert item says' };
const EXPERT_SEVERITY: FieldDef = { abbrev: '_ws.expert.severity', name: 'Severity level', type: 'UINT32', base: 'NONE', desc: 'Error, Warning, Note, Chat' };
const EXPERT_GROUP: FieldDef = { abbrev: '_ws.expert.group', name: 'Group', type: 'UINT32', base: 'NONE', desc: 'Sequence, for the TCP analysis' };
const SEVERITY: Readonly<Record<'chat' | 'note' | 'warn', [number, string]>> = { chat: [0x00200000, 'Chat'], note: [0x00400000, 'Note'], warn: [0x00600000, 'Warning'] };
const GROUP_SEQUENCE = 0x02000000;

/** An expert item of the Sequence group: `[Expert Info (Note/Sequence): ...]` with its own field and three lines. */
function expertItem(own: FieldDef, level: 'chat' | 'note' | 'warn', message: string, at: number): FieldNode {
  const [code, name] = SEVERITY[level];
  return {
    def: EXPERT,
    start: at,
    len: 0,
    value: null,
    generated: true,
    text: `[Expert Info (${name}/Sequence): ${message}]`,
    children: [
      { def: own, start: at, len: 0, value: null, generated: true, text: `[${message}]` },
      { def: EXPERT_MESSAGE, start: at, len: 0, value: message, generated: true, hidden: true },
      { def: EXPERT_SEVERITY, start: at, len: 0, value: code, generated: true, text: `[Severity level: ${name}]` },
      { def: EXPERT_GROUP, start: at, len: 0, value: GROUP_SEQUENCE, generated: true, text: '[Group: Sequence]' },
    ],
  };
}

function relTimeText(t: { sec: number; nsec: number }): string {
  return timeDiffText(t.sec, t.nsec, 0, 0);
}

/** `[SEQ/ACK analysis]` and what it holds, in tshark's order. */
function analysisNode(ta: TcpAnalysis, at: number): FieldNode {
  const kids: FieldNode[] = [];
  const gen = (def: FieldDef, value: number | string, text: string, children?: FieldNode[]): FieldNode => ({ def, start: at, len: 0, value, generated: true, text, ...(children ? { children } : {}) });
  if (ta.frameAcked !== undefined) {
    kids.push(gen(F.acks_frame, ta.frameAcked, `[${F.acks_frame.name}: ${ta.frameAcked}]`));
    if (ta.ackRtt && (ta.ackRtt.sec || ta.ackRtt.nsec)) kids.push(gen(F.ack_rtt, relTimeText(ta.ackRtt), `[${F.ack_rtt.name}: ${relTimeText(ta.ackRtt)} seconds]`));
  }
  if (ta.initialRtt) kids.push(gen(F.initial_rtt, relTimeText(ta.initialRtt), `[iRTT: ${relTimeText(ta.initialRtt)} seconds]`));
  if (ta.bytesInFlight) {
    kids.push(gen(F.bytes_in_flight, ta.bytesInFlight, `[Bytes in flight: ${ta.bytesInFlight}]`));
    kids.push(gen(F.push_bytes_sent, ta.pushBytesSent ?? 0, `[Bytes sent since last PSH flag: ${ta.pushBytesSent ?? 0}]`));
  }
  const f = ta.flags;
  if (f) {
    const flags: FieldNode[] = [];
    const ex = (own: FieldDef, level: 'chat' | 'note' | 'warn'): void => void flags.push(expertItem(own, level, own.name, at));
    if (f & TCP_A.REUSED_PORTS) ex(F.a_reused_ports, 'note');
    if (f & TCP_A.RETRANSMISSION) {
      ex(F.a_retransmission, 'note');
      if (ta.rto && (ta.rto.sec || ta.rto.nsec)) {
        flags.push(gen(F.rto, relTimeText(ta.rto), `[${F.rto.name}: ${relTimeText(ta.rto)} seconds]`));
        flags.push(gen(F.rto_frame, ta.rtoFrame ?? 0, `[${F.rto_frame.name}: ${ta.rtoFrame ?? 0}]`));
      }
    }
    if (f & TCP_A.FAST_RETRANSMISSION) {
      ex(F.a_fast_retransmission, 'note');
      ex(F.a_retransmission, 'note');
    }
    if (f & TCP_A.SPURIOUS_RETRANSMISSION) {
      ex(F.a_spurious_retransmission, 'note');
      ex(F.a_retransmission, 'note');
    }
    if (f & TCP_A.OUT_OF_ORDER) ex(F.a_out_of_order, 'warn');
    if (f & TCP_A.LOST_PACKET) ex(F.a_lost_segment, 'warn');
    if (f & TCP_A.ACK_LOST_PACKET) ex(F.a_ack_lost_segment, 'warn');
    if (f & TCP_A.WINDOW_UPDATE) ex(F.a_window_update, 'chat');
    if (f & TCP_A.WINDOW_FULL) ex(F.a_window_full, 'warn');
    if (f & TCP_A.KEEP_ALIVE) ex(F.a_keep_alive, 'note');
    if (f & TCP_A.KEEP_ALIVE_ACK) ex(F.a_keep_alive_ack, 'note');
    if (ta.dupackNum && f & TCP_A.DUPLICATE_ACK) flags.push({ def: F.duplicate_ack, start: at, len: 0, value: null, generated: true, text: '[This is a TCP duplicate ack]' });
    if (f & TCP_A.ZERO_WINDOW_PROBE) ex(F.a_zero_window_probe, 'note');
    if (f & TCP_A.ZERO_WINDOW) ex(F.a_zero_window, 'warn');
    if (f & TCP_A.ZERO_WINDOW_PROBE_ACK) ex(F.a_zero_window_probe_ack, 'note');
    kids.push({ def: F.analysis_flags, start: at, len: 0, value: null, generated: true, text: '[TCP Analysis Flags]', children: flags });
    if (ta.dupackNum) {
      kids.push(gen(F.duplicate_ack_num, ta.dupackNum, `[Duplicate ACK #: ${ta.dupackNum}]`));
      kids.push(gen(F.duplicate_ack_frame, ta.dupackFrame ?? 0, `[Duplicate to the ACK in frame: ${ta.dupackFrame ?? 0}]`, [expertItem(F.duplicate_ack, 'note', `Duplicate ACK (#${ta.dupackNum})`, at)]));
    }
  }
  return { def: F.analysis, start: at, len: 0, value: null, generated: true, text: '[SEQ/ACK analysis]', children: kids };
}

/**
 * The sequence analysis of a segment whose length is known (src/protocols/tcp-analysis.ts), then the per-connection
 * values tshark updates after it: the SYN time, the first RTT, whether the direction has sent a pure ACK yet.
 */
function analyse(conv: Conversation, fwd: Flow, rev: Flow, v: TcpValue, reused: boolean, number: number, rec: { tsSec?: number; tsNsec?: number }): TcpAnalysis {
  const time = { sec: rec.tsSec ?? 0, nsec: rec.tsNsec ?? 0 };
  const fa = (fwd.an ??= newFlowAnalysis());
  const ra = (rev.an ??= newFlowAnalysis());
  const ca = (conv.an ??= {});
  const ta: TcpAnalysis = { created: false, flags: reused ? TCP_A.REUSED_PORTS : 0 };
  analyseSegment(fa, ra, rev.winScale, ca, { frame: number, time, seq: v.seq, ack: v.ack, seglen: v.seglen ?? 0, flags: v.flags, window: v.window }, ta);
  const synack = v.flags & (TCP_FLAGS.SYN | TCP_FLAGS.ACK);
  if (v.flags & TCP_FLAGS.SYN) {
    if (!(v.flags & TCP_FLAGS.ACK)) ca.mruSyn = time;
    fa.isFirstAck = true;
  }
  if (synack === TCP_FLAGS.ACK) {
    if (ca.mruSyn && !ca.firstRtt) ca.firstRtt = timeDelta(time, ca.mruSyn);
    fa.isFirstAck = false;
  }
  if (ca.firstRtt && (ca.firstRtt.sec || ca.firstRtt.nsec)) ta.initialRtt = ca.firstRtt;
  return ta;
}

function timeDelta(a: { sec: number; nsec: number }, b: { sec: number; nsec: number }): { sec: number; nsec: number } {
  let sec = a.sec - b.sec;
  let nsec = a.nsec - b.nsec;
  if (nsec < 0 && sec > 0) {
    sec -= 1;
    nsec += 1e9;
  } else if (nsec > 0 && sec < 0) {
    sec += 1;
    nsec -= 1e9;
  }
  return { sec, nsec };
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------------------------

function checkUint(v: number, bits: number, name: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 2 ** bits - 1) throw new EncodeError(name, `${v} does not fit in ${bits} bits`);
  return v;
}

function writeOptions(out: Uint8Array, at: number, opts: readonly TcpOption[]): number {
  let i = at;
  for (const o of opts) {
    switch (o.kind) {
      case 'eol':
        out[i++] = 0;
        break;
      case 'nop':
        out[i++] = 1;
        break;
      case 'mss':
        out[i] = 2;
        out[i + 1] = 4;
        writeUint(out, i + 2, 2, checkUint(o.mss, 16, 'tcp.options.mss_val'));
        i += 4;
        break;
      case 'wscale':
        out[i] = 3;
        out[i + 1] = 3;
        out[i + 2] = checkUint(o.shift, 8, 'tcp.options.wscale.shift');
        i += 3;
        break;
      case 'sack_perm':
        out[i] = 4;
        out[i + 1] = 2;
        i += 2;
        break;
      case 'timestamp':
        out[i] = 8;
        out[i + 1] = 10;
        writeUint(out, i + 2, 4, checkUint(o.tsval, 32, 'tcp.options.timestamp.tsval'));
        writeUint(out, i + 6, 4, checkUint(o.tsecr, 32, 'tcp.options.timestamp.tsecr'));
        i += 10;
        break;
      case 'sack': {
        const size = optionSize(o);
        out[i] = 5;
        out[i + 1] = checkUint(size, 8, 'tcp.option_len');
        let j = i + 2;
        for (const blk of o.blocks) {
          writeUint(out, j, 4, checkUint(blk.le, 32, 'tcp.options.sack_le'));
          writeUint(out, j + 4, 4, checkUint(blk.re, 32, 'tcp.options.sack_re'));
          j += 8;
        }
        if (o.rest) out.set(o.rest, j);
        i += size;
        break;
      }
      case 'tfo':
        out[i] = 34;
        out[i + 1] = checkUint(2 + o.cookie.length, 8, 'tcp.option_len');
        out.set(o.cookie, i + 2);
        i += 2 + o.cookie.length;
        break;
      default: {
        out[i] = checkUint(o.type, 8, 'tcp.option_kind');
        if (o.len === null) {
          i += 1;
          out.set(o.data, i);
          i += o.data.length;
          break;
        }
        out[i + 1] = checkUint(o.len ?? 2 + o.data.length, 8, 'tcp.option_len');
        out.set(o.data, i + 2);
        i += 2 + o.data.length;
      }
    }
  }
  return i;
}

/** Bytes `encode(input, payload)` produces for a payload of `payloadLength` bytes. */
export function tcpEncodingLength(input: TcpInput, payloadLength: number): number {
  const optLen = optionsLength({ options: input.options ?? [], padding: input.padding });
  return 20 + (input.padding ? optLen : (optLen + 3) & ~3) + (input.extra?.length ?? 0) + payloadLength;
}

// ---------------------------------------------------------------------------------------------------------------
// The protocol
// ---------------------------------------------------------------------------------------------------------------

export const tcp = defineProtocol<TcpValue, TcpInput>({
  name: 'tcp',
  table: tcpTable,
  bindings: [{ table: 'ip.proto', key: 6 }],
  decode(b, start, end, ctx) {
    const v = makeValue(b, start, end, [], 'unchecked') as unknown as TcpValue;
    v.options = [];
    v.checksumStatus = 'unchecked';
    // tshark's ICMP (not ICMPv6) error quotes get the sequence number early and no seq_raw
    const n = ctx.layers.length;
    if (ctx.inError && n >= 2 && ctx.layers[n - 1]!.proto.name === 'ip' && ctx.layers[n - 2]!.proto.name === 'icmp') v.quoted = true;
    const avail = end - start;
    if (avail < 20) {
      if (!ctx.inError) {
        const cut = end === b.length && b.length < ctx.wireLen;
        ctx.problems.push(problem('tcp', 'truncated', start, end, `TCP header needs 20 bytes, ${avail} present`, { expected: 20, actual: avail, limitedBy: cut ? 'frame.cap_len' : 'ip.len' }));
      }
      return { value: v, headerEnd: end, end };
    }
    const hl = v.hdr_len;
    const repEnd = reportedEnd(b, start, end, ctx);
    const fragmented = inFragment(b, ctx);
    if (!fragmented && !ctx.inError) {
      if (repEnd - start >= hl) v.seglen = repEnd - start - hl;
      else v.shortSegment = true;
    }
    if (hl < 20) {
      ctx.problems.push(problem('tcp', 'bad-length', start + 12, start + 13, `header length ${hl} bytes is less than 20`, { field: 'tcp.hdr_len', expected: 20, actual: hl, severity: 'warning' }));
      if (end > start + 20) v.extra = b.subarray(start + 20, end);
      return { value: v, headerEnd: end, end };
    }
    let hdrEnd = start + hl;
    if (hdrEnd > end) {
      if (!ctx.inError) {
        const cut = end === b.length && b.length < ctx.wireLen;
        ctx.problems.push(problem('tcp', 'truncated', start, end, `header length ${hl} bytes, only ${avail} present`, { field: 'tcp.hdr_len', expected: hl, actual: avail, limitedBy: cut ? 'frame.cap_len' : fragmented ? 'ip.frag_offset' : 'ip.len' }));
      }
      hdrEnd = end;
    }
    if (hl > 20) parseOptions(b, start + 20, hdrEnd, start + hl, v, ctx.problems);
    // The checksum covers the whole segment: verify it when every byte was captured (inside an ICMP error tshark
    // checks the bytes quoted, which usually makes it wrong).
    if (!fragmented && repEnd === end) {
      const ph = enclosingPseudoSum(b, ctx.layers, 6, end - start);
      if (ph !== undefined) {
        const sum = onesSum(b, start, end, ph);
        v.checksumStatus = sum === 0xffff ? 'good' : 'bad';
        v.checksumCalculated = ~onesSum(b, start + 18, end, onesSum(b, start, start + 16, ph)) & 0xffff;
        if (v.checksumStatus === 'bad' && ctx.prefs['tcp.check_checksum']) {
          ctx.problems.push(problem('tcp', 'bad-checksum', start + 16, start + 18, `checksum ${hex4(v.checksum)} is wrong, should be ${hex4(v.checksumCalculated)}`, { field: 'tcp.checksum', expected: v.checksumCalculated, actual: v.checksum }));
        }
      }
    }
    // tshark tries the lower port first, then the higher (decode_tcp_ports); port 0 is never looked up.
    const lo = Math.min(v.srcport, v.dstport);
    const hi = Math.max(v.srcport, v.dstport);
    // the lower port, then the higher if different; port 0 never (as [lo, hi] without zeros and duplicates)
    const next: { table: string; key: number }[] = [];
    if (lo !== 0) next.push({ table: 'tcp.port', key: lo });
    if (hi !== 0 && hi !== lo) next.push({ table: 'tcp.port', key: hi });
    // Where the payload sits in its direction's byte stream, for reassembly (src/dissect/tcp-reassembly.ts).
    const ep = !fragmented && !ctx.inError ? endpoints(undefined, ctx.layers) : undefined;
    if (ep) {
      const syn = (v.flags & TCP_FLAGS.SYN) !== 0;
      const stream = { key: `${ep.src}|${v.srcport}>${ep.dst}|${v.dstport}`, seq: (v.seq + (syn ? 1 : 0)) >>> 0, restart: syn || (v.flags & TCP_FLAGS.RST) !== 0, pref: 'tcp.desegment_tcp_streams' as const };
      return { value: v, headerEnd: hdrEnd, end, next, stream };
    }
    return { value: v, headerEnd: hdrEnd, end, next };
  },
  tree(layer, ctx) {
    const b = ctx.frame;
    const v = layer.value;
    const s = layer.start;
    const out: FieldNode[] = [];
    const notes = layer.notes?.tcp as TcpNotes | undefined;
    const rel = relInfo(layer, ctx.prefs);
    const have = (n: number): boolean => s + n <= layer.headerEnd;
    const sfx = rel.relative ? '    (relative sequence number)' : '';
    if (have(2)) {
      out.push({ def: F.srcport, start: s, len: 2, value: v.srcport });
    }
    if (have(4)) out.push({ def: F.dstport, start: s + 2, len: 2, value: v.dstport });
    if (have(2)) out.push({ def: F.port, start: s, len: 2, value: v.srcport, hidden: true });
    if (have(4)) out.push({ def: F.port, start: s + 2, len: 2, value: v.dstport, hidden: true });
    // inside an ICMP error tshark adds the sequence number first, raw (the quote is often only 8 bytes)
    if (v.quoted && have(8)) out.push({ def: F.seq_display, start: s + 4, len: 4, value: v.seq });
    if (notes) {
      out.push({ def: F.stream, start: s, len: 0, value: notes.stream, generated: true });
      out.push({ def: F.completeness, start: s, len: 0, value: notes.completeness, generated: true, text: `[Conversation completeness: ${completenessText(notes.completeness)}]` });
    }
    // tshark reads the offset, flags and window before adding anything else: with fewer bytes it stops here
    if (!have(16)) return out;
    if (v.shortSegment) {
      out.push({ def: F.short_segment, start: s, len: 0, value: null, text: 'Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)' });
    }
    if (v.seglen !== undefined) out.push({ def: F.len, start: s + 12, len: 1, value: v.seglen, generated: true });
    const seq = v.quoted ? v.seq : (v.seq - rel.seqBase) >>> 0;
    if (!v.quoted) {
      out.push({ def: F.seq_display, start: s + 4, len: 4, value: seq, ...(rel.relative ? { text: `Sequence Number: ${seq}${sfx}` } : {}) });
      out.push({ def: F.seq, start: s + 4, len: 4, value: v.seq, ...(rel.relative ? {} : { hidden: true }) });
    }
    const hl = v.hdr_len;
    if (hl >= 20 && v.seglen !== undefined) {
      const nxt = (seq + v.seglen + (v.flags & (TCP_FLAGS.SYN | TCP_FLAGS.FIN) ? 1 : 0)) >>> 0;
      out.push({ def: F.nxtseq, start: s, len: 0, value: nxt, generated: true, ...(rel.relative ? { text: `[Next Sequence Number: ${nxt}${sfx}]` } : {}) });
    }
    if (hl < 20) {
      out.push({
        def: F.hdr_len,
        start: s + 12,
        len: 1,
        value: hl,
        bitmask: 0xf0,
        text: `${(hl / 4).toString(2).padStart(4, '0')} .... = Header Length: ${hl} bytes (${hl / 4})`,
        children: [{ def: F.bogus_header_length, start: s + 12, len: 1, value: null, text: `[Bogus TCP header length (${hl}, must be at least 20)]` }],
      });
      return out;
    }
    const ackSet = (v.flags & TCP_FLAGS.ACK) !== 0;
    const ackv = ackSet ? (v.ack - rel.ackBase) >>> 0 : v.ack;
    out.push({ def: F.ack_display, start: s + 8, len: 4, value: ackv, ...(ackSet && rel.relative ? { text: `Acknowledgment Number: ${ackv}    (relative ack number)` } : {}) });
    out.push({ def: F.ack, start: s + 8, len: 4, value: v.ack, ...(ackSet && !rel.relative ? { hidden: true } : {}) });
    out.push({ def: F.hdr_len, start: s + 12, len: 1, value: hl, bitmask: 0xf0, text: `${(hl / 4).toString(2).padStart(4, '0')} .... = Header Length: ${hl} bytes (${hl / 4})` });
    const fl = v.flags;
    const ace = !!notes?.ace;
    const flagNode = (def: (typeof F)[keyof typeof F], mask: number): FieldNode => ({
      def,
      start: s + 12,
      len: 2,
      value: (fl & mask) !== 0,
      bitmask: mask,
      text: `${bits12(mask, fl)}${def.name}: ${fl & mask ? 'Set' : 'Not set'}`,
    });
    const flagKids: FieldNode[] = [flagNode(F.flag_res, 0xe00)];
    if (ace) {
      const n = (fl >> 6) & 7;
      flagKids.push({ def: F.flag_ace, start: s + 12, len: 2, value: n, bitmask: 0x1c0, text: `${bits12(0x1c0, fl)}ACE: ${n}` });
    } else flagKids.push(flagNode(F.flag_ae, 0x100), flagNode(F.flag_cwr, 0x80), flagNode(F.flag_ece, 0x40));
    flagKids.push(
      flagNode(F.flag_urg, 0x20),
      flagNode(F.flag_ack, 0x10),
      flagNode(F.flag_push, 0x08),
      flagNode(F.flag_reset, 0x04),
      flagNode(F.flag_syn, 0x02),
      flagNode(F.flag_fin, 0x01),
      { def: F.flags_str, start: s + 12, len: 2, value: flagLetters(fl, ace), generated: true },
    );
    out.push({ def: F.flags, start: s + 12, len: 2, value: fl, text: `Flags: 0x${fl.toString(16).padStart(3, '0')} (${flagsText(fl, ace)})`, children: flagKids });
    out.push({ def: F.window, start: s + 14, len: 2, value: v.window });
    const syn = (fl & TCP_FLAGS.SYN) !== 0;
    const scale = notes && !syn && notes.windowScale >= 0 ? notes.windowScale : 0;
    out.push({ def: F.window_size, start: s + 14, len: 2, value: v.window * 2 ** scale, generated: true });
    if (notes && !syn) {
      const ws = notes.windowScale;
      const text = ws === -1 ? '-1 (unknown)' : ws === -2 ? '-2 (no window scaling used)' : String(2 ** ws);
      out.push({ def: F.window_scale, start: s + 14, len: 2, value: ws < 0 ? ws : 2 ** ws, generated: true, text: `[Window size scaling factor: ${text}]` });
    }
    if (!have(18)) return out;
    {
      const check = ctx.prefs['tcp.check_checksum'];
      const status = !check || v.checksumStatus === 'unchecked' ? 2 : v.checksumStatus === 'good' ? 1 : 0;
      // tshark 4.0: no space before "(maybe", and the calculated value after the status
      const note = status === 2 ? ' [unverified]' : status === 1 ? ' [correct]' : ` incorrect, should be ${hex4(v.checksumCalculated ?? 0)}(maybe caused by "TCP checksum offload"?)`;
      out.push({ def: F.checksum, start: s + 16, len: 2, value: v.checksum, text: `Checksum: ${hex4(v.checksum)}${note}` });
      out.push({ def: F.checksum_status, start: s + 16, len: 0, value: status, generated: true, text: `[Checksum Status: ${F.checksum_status.strings![status]}]` });
      if (status !== 2 && v.checksumCalculated !== undefined) out.push({ def: F.checksum_calculated, start: s + 16, len: 2, value: v.checksumCalculated, generated: true });
    }
    if (!have(20)) return out;
    out.push({ def: F.urgent_pointer, start: s + 18, len: 2, value: v.urgent_pointer });
    if (hl > 20) {
      const optEnd = Math.min(s + hl, layer.headerEnd);
      const shown = shownOptions(v.options);
      const names = shown.filter(optionListed).map((o) => {
        const t = optionType(o);
        return OPTION_TITLES[t] ?? `Unknown (0x${t.toString(16).padStart(2, '0')})`;
      });
      out.push({
        def: F.options,
        start: s + 20,
        len: optEnd - (s + 20),
        value: b.subarray(s + 20, optEnd),
        text: `Options: (${hl - 20} bytes)${names.length ? ', ' + names.join(', ') : ''}`,
        children: optionNodes(b, s + 20, v, rel),
      });
    }
    if (notes?.timeRelative !== undefined && notes.timeDelta !== undefined) {
      out.push({
        def: tcpTable.proto,
        start: s,
        len: 0,
        value: null,
        generated: true,
        text: '[Timestamps]',
        children: [
          { def: F.time_relative, start: s, len: 0, value: notes.timeRelative, generated: true, text: `[${F.time_relative.name}: ${notes.timeRelative} seconds]` },
          { def: F.time_delta, start: s, len: 0, value: notes.timeDelta, generated: true, text: `[${F.time_delta.name}: ${notes.timeDelta} seconds]` },
        ],
      });
    }
    // tshark prints the analysis after dissecting the options: options cut short end the TCP tree before it
    if (notes?.analysis?.created && ctx.prefs['tcp.analyze_sequence_numbers'] && layer.headerEnd - s >= hl) out.push(analysisNode(notes.analysis, s));
    if (layer.end > layer.headerEnd) {
      const n = layer.end - layer.headerEnd;
      // the label counts the bytes on the wire (a snaplen may have kept fewer)
      const shown = v.seglen !== undefined && v.seglen > n ? v.seglen : n;
      out.push({ def: F.payload, start: layer.headerEnd, len: n, value: b.subarray(layer.headerEnd, layer.end), text: `TCP payload (${shown} byte${shown === 1 ? '' : 's'})` });
      // desegmentation on: each message that lies whole in this segment gets its PDU size (tcp_dissect_pdus)
      if (layer.notes?.reassembly) {
        for (let j = ctx.index + 1; j < ctx.layers.length; j++) {
          const l = ctx.layers[j]!;
          if (l.source !== layer.source) continue;
          if (l.proto.streamPdu) out.push({ def: F.pdu_size, start: l.start, len: l.end - l.start, value: l.end - l.start, generated: true, text: `[PDU Size: ${l.end - l.start}]` });
        }
      }
    }
    return out;
  },
  label(layer, ctx) {
    const v = layer.value;
    const rel = relInfo(layer, ctx.prefs);
    let s = `Transmission Control Protocol, Src Port: ${v.srcport}, Dst Port: ${v.dstport}`;
    if (layer.headerEnd - layer.start < 16) return s;
    s += `, Seq: ${v.quoted ? v.seq : (v.seq - rel.seqBase) >>> 0}`;
    if (v.hdr_len < 20 || layer.headerEnd - layer.start < 14) return s;
    if (v.flags & TCP_FLAGS.ACK) s += `, Ack: ${(v.ack - rel.ackBase) >>> 0}`;
    if (v.seglen !== undefined) s += `, Len: ${v.seglen}`;
    return s;
  },
  // the sequence analysis flags, which tshark prepends behind a fence (an upper layer's Info keeps them in front)
  infoPrefix(layer, ctx) {
    const an = (layer.notes?.tcp as TcpNotes | undefined)?.analysis;
    // (not when the options were cut short: tshark stops in them, before printing the analysis)
    return an?.flags && ctx.prefs['tcp.analyze_sequence_numbers'] && layer.headerEnd - layer.start >= layer.value.hdr_len ? analysisInfo(an) : '';
  },
  summary(layer, ctx) {
    const v = layer.value;
    const notes = layer.notes?.tcp as TcpNotes | undefined;
    const rel = relInfo(layer, ctx.prefs);
    const n = layer.headerEnd - layer.start;
    let s = `${v.srcport} \u2192 ${v.dstport}`;
    if (n < 16) return s;
    s += ` [${flagsText(v.flags, !!notes?.ace)}] Seq=${(v.seq - rel.seqBase) >>> 0}`;
    if (v.flags & TCP_FLAGS.ACK) s += ` Ack=${(v.ack - rel.ackBase) >>> 0}`;
    const syn = (v.flags & TCP_FLAGS.SYN) !== 0;
    const scale = notes && !syn && notes.windowScale >= 0 ? notes.windowScale : 0;
    s += ` Win=${v.window * 2 ** scale}`;
    if (v.hdr_len < 20) return s + `, bogus TCP header length (${v.hdr_len}, must be at least 20)`;
    if (n < 18) return s;
    if (v.checksumStatus === 'bad' && ctx.prefs['tcp.check_checksum']) s += ' [TCP CHECKSUM INCORRECT]';
    if (n < 20) return s;
    if (v.flags & TCP_FLAGS.URG) s += ` Urg=${v.urgent_pointer}`;
    if (v.seglen !== undefined) s += ` Len=${v.seglen}`;
    s += optionInfo(v, rel);
    // Payload held for reassembly (src/dissect/tcp-reassembly.ts), with nothing decoded from it in this frame.
    if ((layer.notes?.reassembly as { partial?: boolean } | undefined)?.partial) s += ' [TCP segment of a reassembled PDU]';
    return s;
  },
  encode(input, payload, ctx) {
    const opts = input.options ?? [];
    const optLen = optionsLength({ options: opts, padding: input.padding });
    const padded = input.padding ? optLen : (optLen + 3) & ~3;
    const extra = input.extra ?? new Uint8Array(0);
    if (input.hdr_len === undefined && 20 + padded > 60) throw new EncodeError('tcp.hdr_len', `options of ${padded} bytes do not fit in 40`);
    const hl = input.hdr_len ?? 20 + padded;
    const headerBytes = 20 + padded + extra.length;
    const out = new Uint8Array(headerBytes + payload.length);
    let dstport = input.dstport;
    if (dstport === undefined) {
      const bind = ctx.inner?.proto.bindings?.find((x) => x.table === 'tcp.port');
      dstport = bind ? bind.key : 0;
    }
    const flags = input.flags ?? (payload.length ? TCP_FLAGS.PSH | TCP_FLAGS.ACK : TCP_FLAGS.SYN);
    checkUint(flags, 12, 'tcp.flags');
    fixed.write(out, 0, {
      srcport: input.srcport ?? 0,
      dstport,
      seq: input.seq ?? 0,
      ack: input.ack ?? 0,
      hdr_len: hl,
      flags,
      window: input.window ?? 65535,
      checksum: 0,
      urgent_pointer: input.urgent_pointer ?? 0,
    });
    let i = writeOptions(out, 20, opts);
    if (input.padding) {
      out.set(input.padding, i);
      i += input.padding.length;
    }
    out.set(extra, 20 + padded);
    out.set(payload, headerBytes);
    let cks = input.checksum;
    if (cks === undefined) {
      const ph = ctx.pseudoHeaderSum(6, out.length);
      cks = ph === undefined ? 0 : ~onesSum(out, 0, out.length, ph) & 0xffff;
    } else checkUint(cks, 16, 'tcp.checksum');
    out[16] = cks >> 8;
    out[17] = cks & 0xff;
    return out;
  },
  toInput(layer) {
    const v = layer.value;
    const input: TcpInput = {
      srcport: v.srcport,
      dstport: v.dstport,
      seq: v.seq,
      ack: v.ack,
      flags: v.flags,
      window: v.window,
      urgent_pointer: v.urgent_pointer,
      options: v.options,
    };
    const optLen = optionsLength(v);
    if (v.padding) input.padding = v.padding;
    else if (optLen % 4 !== 0) input.padding = new Uint8Array(0);
    if (v.extra) input.extra = v.extra;
    if (v.hdr_len !== 20 + optLen) input.hdr_len = v.hdr_len;
    if (v.checksumStatus !== 'good') input.checksum = v.checksum;
    return input;
  },
  stateful: {
    create(): TrackState {
      return { next: 0, conversations: new Map() };
    },
    track,
  },
});
