/** The records a capture reader yields, shared by pcap and pcapng. */
import type { Problem } from '../core/problem.js';

/** Where a record came from: a classic pcap record (or "modified" pcap record), or the pcapng block type. */
export type RecordSource = 'pcap' | 'pcap-modified' | 'epb' | 'spb' | 'pb' | 'custom';

export interface CaptureRecord {
  /** 0-based position of the packet in the file (packets only, not other blocks). */
  readonly index: number;
  /** pcapng interface id (0 for classic pcap). */
  readonly interfaceId: number;
  /** LINKTYPE_ value of the record's interface (pcapng files may mix them). */
  readonly linkType: number;
  /** Timestamp: whole seconds since the epoch, and nanoseconds within the second (exact, no float rounding). */
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Original length on the wire; `data.length` is the captured length. */
  readonly origLen: number;
  /** The captured bytes: a view into the reader's buffer, valid until the next record is read (copy to keep). */
  readonly data: Uint8Array;
  /** Number of FCS bytes at the end of `data` (from the pcap header FCS bits or if_fcslen), when known. */
  readonly fcsLen?: number;
  /** pcapng EPB flags word (direction in bits 0-1), when present. */
  readonly flags?: number;
  /** opt_comment values of the packet block. */
  readonly comments?: readonly string[];

  // ---- added by src/capture (all optional, so hand-made records stay valid) ----

  /**
   * Where the record came from. Absent on hand-made records. `custom` records are pcapng custom
   * blocks (0xBAD / 0x40000BAD), which tshark 4.0 shows as frames (protocol `data`, no timestamp,
   * no interface): their `data` is the block body after the PEN and `linkType` is
   * LINKTYPE_PCAPNG_CUSTOM (-1).
   */
  readonly source?: RecordSource;
  /** Absolute file offset of the record header (pcap) or block (pcapng). */
  readonly offset?: number;
  /** 0-based pcapng section holding the record (0 for pcap). `interfaceId` is per section, as in tshark. */
  readonly sectionIndex?: number;
  /**
   * false when the record carries no timestamp (pcapng SPB and custom blocks): tshark then shows
   * no frame.time_epoch; tsSec/tsNsec are 0.
   */
  readonly hasTimestamp?: boolean;
  /**
   * The timestamp words exactly as stored. pcap: seconds and the fraction (µs or ns, not
   * normalised). pcapng EPB/PB: high and low 32 bits of the 64-bit count in if_tsresol units.
   */
  readonly tsHigh?: number;
  readonly tsLow?: number;
  /**
   * pcapng packet blocks: the raw bytes between the padded packet data and the block trailer
   * (the option list with its end-of-options and padding, as stored). A view, like `data`.
   */
  readonly options?: Uint8Array;
  /** "Modified" (0xa1b2cd34) pcap record header extras. */
  readonly ifIndex?: number;
  readonly protocol?: number;
  readonly pktType?: number;
  /** Obsolete pcapng Packet Block: drops_count field. */
  readonly dropsCount?: number;
  /** pcapng custom block: block type (0xBAD or 0x40000BAD) and Private Enterprise Number. */
  readonly blockType?: number;
  readonly pen?: number;
}

/** One pcapng option as stored (value without padding). */
export interface PcapngOption {
  readonly code: number;
  readonly value: Uint8Array;
}

/** Classic pcap file header. */
export interface PcapFileHeader {
  readonly kind: 'pcap-header';
  readonly offset: 0;
  /** Magic as a number in the file's byte order: 0xa1b2c3d4 (µs), 0xa1b23c4d (ns), 0xa1b2cd34 (modified). */
  readonly magic: number;
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  /** Kuznetsov "modified" pcap (24-byte record headers with ifindex/protocol/pkt_type). */
  readonly modified: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** thiszone (signed) and sigfigs: normally 0, kept for byte-exact writing. */
  readonly thisZone: number;
  readonly sigFigs: number;
  readonly snapLen: number;
  /** The whole 32-bit link type field (LINKTYPE in the low 16 bits, FCS bits in the top bits). */
  readonly linkTypeField: number;
  readonly linkType: number;
  /** FCS length in bytes when the header says it is present (F bit 0x04000000, length in 16-bit words in bits 28-31). */
  readonly fcsLen?: number;
}

/** pcapng Section Header Block. */
export interface SectionHeader {
  readonly kind: 'section';
  readonly index: number;
  readonly offset: number;
  readonly littleEndian: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** Signed 64-bit section length (-1 = not specified). */
  readonly sectionLength: bigint;
  readonly options: readonly PcapngOption[];
  /** The raw option bytes as stored (for byte-exact writing). */
  readonly rawOptions: Uint8Array;
  readonly comments: readonly string[];
  readonly hardware?: string;
  readonly os?: string;
  readonly userApplication?: string;
}

/** pcapng Interface Description Block (with the values derived from its options). */
export interface InterfaceDescription {
  readonly kind: 'interface';
  readonly sectionIndex: number;
  /** Interface id within its section (what EPBs, and tshark's frame.interface_id, use). */
  readonly id: number;
  /** Position among all interfaces of the file. */
  readonly globalId: number;
  readonly offset: number;
  readonly linkType: number;
  /** The reserved 16-bit field (0 in a well-formed file; kept for byte-exact writing). */
  readonly reserved: number;
  readonly snapLen: number;
  readonly name?: string;
  readonly description?: string;
  /** Raw if_tsresol byte (bit 7 set: 2^-n, else 10^-n); absent means 10^-6. */
  readonly tsresol?: number;
  /** Time units per second derived from if_tsresol (as Wireshark: 2^64-1 when out of range). */
  readonly unitsPerSecond: bigint;
  /** if_tsoffset in seconds (0 when absent). Added to the timestamps (tshark 4.0 does too). */
  readonly tsOffset: bigint;
  readonly fcsLen?: number;
  /** if_filter: first byte is the filter type (0 = libpcap string), then the filter. */
  readonly filter?: { readonly type: number; readonly text: string; readonly raw: Uint8Array };
  readonly os?: string;
  readonly hardware?: string;
  readonly speed?: bigint;
  readonly comments: readonly string[];
  readonly options: readonly PcapngOption[];
  readonly rawOptions: Uint8Array;
}

/** One NRB record: type 1 = IPv4, 2 = IPv6 (address text and names); others kept raw. */
export interface NameRecord {
  readonly type: number;
  readonly address: string;
  readonly names: readonly string[];
  readonly raw: Uint8Array;
}

export interface NameResolutionBlock {
  readonly kind: 'names';
  readonly sectionIndex: number;
  readonly offset: number;
  readonly records: readonly NameRecord[];
  readonly options: readonly PcapngOption[];
  readonly comments: readonly string[];
  /** The whole block body (records, end record, options) as stored. */
  readonly rawBody: Uint8Array;
}

export interface InterfaceStatistics {
  readonly kind: 'stats';
  readonly sectionIndex: number;
  readonly offset: number;
  readonly interfaceId: number;
  readonly tsHigh: number;
  readonly tsLow: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly startTime?: bigint;
  readonly endTime?: bigint;
  readonly ifRecv?: bigint;
  readonly ifDrop?: bigint;
  readonly filterAccept?: bigint;
  readonly osDrop?: bigint;
  readonly usrDeliv?: bigint;
  readonly comments: readonly string[];
  readonly options: readonly PcapngOption[];
  readonly rawOptions: Uint8Array;
}

/** A pcapng block kept as bytes: DSB (0x0A), custom blocks (when not read as records), unknown types. */
export interface OpaqueBlock {
  readonly kind: 'block';
  readonly sectionIndex: number;
  readonly offset: number;
  readonly blockType: number;
  /** 'dsb', 'custom' or 'unknown'. */
  readonly name: 'dsb' | 'custom' | 'unknown';
  /** Block body between the length field and the trailing length (a copy). */
  readonly body: Uint8Array;
  /** DSB: secrets type (e.g. 0x544c534b TLS key log). */
  readonly secretsType?: number;
  /** custom: Private Enterprise Number. */
  readonly pen?: number;
  readonly comments: readonly string[];
}

export interface ProblemEvent {
  readonly kind: 'problem';
  readonly problem: Problem;
}

export interface PacketEvent {
  readonly kind: 'packet';
  readonly record: CaptureRecord;
}

/** Everything a capture file holds, in file order. */
export type CaptureEvent =
  | PcapFileHeader
  | SectionHeader
  | InterfaceDescription
  | NameResolutionBlock
  | InterfaceStatistics
  | OpaqueBlock
  | PacketEvent
  | ProblemEvent;

export type CaptureFormat = 'pcap' | 'pcapng';

export type { Problem };
