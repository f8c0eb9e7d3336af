/**
 * Field declarations, as Wireshark registers them (hf_register_info): filter name, label, type, display base,
 * bitmask, value names and a description. One declaration per field drives decoding, encoding, the field tree
 * (-V, JSON), the names that `-e` and display filters accept, and the byte ranges of the annotated hex dump.
 */

/** Wireshark's FT_ types that we use (the names `tshark -G fields` prints, without `FT_`). */
export type FieldType =
  | 'NONE'
  | 'PROTOCOL'
  | 'BOOLEAN'
  | 'CHAR'
  | 'UINT8'
  | 'UINT16'
  | 'UINT24'
  | 'UINT32'
  | 'UINT40'
  | 'UINT48'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FLOAT'
  | 'DOUBLE'
  | 'ABSOLUTE_TIME'
  | 'RELATIVE_TIME'
  | 'STRING'
  | 'STRINGZ'
  | 'UINT_STRING'
  | 'ETHER'
  | 'BYTES'
  | 'UINT_BYTES'
  | 'IPv4'
  | 'IPv6'
  | 'FRAMENUM'
  | 'EUI64';

/** Wireshark's display bases (BASE_*), without `BASE_`. */
export type Base = 'NONE' | 'DEC' | 'HEX' | 'OCT' | 'DEC_HEX' | 'HEX_DEC' | 'UNIT_STRING' | 'CUSTOM' | 'OUI';

/** The value a field occurrence carries. */
export type FieldValue = number | bigint | boolean | string | Uint8Array | null;

/** What the encoder fills in when the caller leaves the field undefined. */
export type AutoRole = 'length' | 'checksum' | 'next' | 'count';

export interface FieldDef {
  /** Filter name: `ip.ttl`. Exactly Wireshark's. */
  readonly abbrev: string;
  /** Label: `Time to Live`. */
  readonly name: string;
  readonly type: FieldType;
  readonly base?: Base;
  /** Bit mask inside its container (the container is `width` bytes at `offset`). */
  readonly bitmask?: number;
  /** Value names (value_string): number -> name. */
  readonly strings?: Readonly<Record<number, string>>;
  /** For BOOLEAN: the true/false labels (true_false_string), e.g. ['Set', 'Not set']. */
  readonly tfs?: readonly [string, string];
  /** Unit appended to the display (` bytes`, ` seconds`). */
  readonly unit?: string;
  /** One-line description for learners, from the RFC. */
  readonly desc: string;
  /** Fixed position inside the header, in bytes (absent for variable parts). */
  readonly offset?: number;
  /** Width in bytes of the field (or of the container holding its bits). */
  readonly width?: number;
  /** Filled automatically when encoding if left undefined. */
  readonly auto?: AutoRole;
  /** Hex digits when printed in hex, where Wireshark's differs from the type width. */
  readonly hexDigits?: number;
  /** The field's value is the wire value times this (ip.hdr_len: 4-byte words shown as bytes). */
  readonly scale?: number;
}

/** A field occurrence in a decoded frame: what the tree, JSON, filters and the hex annotation consume. */
export interface FieldNode {
  readonly def: FieldDef;
  /** Absolute byte offset in the frame and length in bytes. */
  readonly start: number;
  readonly len: number;
  readonly value: FieldValue;
  /** Tree label override (the whole line, e.g. `Flags: 0x02, Don't fragment`). */
  readonly text?: string;
  readonly children?: FieldNode[];
  /** Generated fields (Wireshark's `[...]`) are not on the wire. */
  readonly generated?: boolean;
  /** Hidden fields (`ip.addr`, `tcp.port`) are filterable and printable with -e but not shown in -V. */
  readonly hidden?: boolean;
  /** For bit fields inside `len` bytes: the bits as a mask over those bytes (for `0100 ....` drawing). */
  readonly bitmask?: number;
}

/** A protocol's field table: its fields by short key, plus the protocol itself. */
export interface FieldTable<K extends string = string> {
  readonly proto: FieldDef;
  readonly fields: Readonly<Record<K, FieldDef>>;
}

export function defineFields<K extends string>(
  proto: { abbrev: string; name: string; desc: string },
  fields: Record<K, Omit<FieldDef, 'abbrev'> & { abbrev: string }>,
): FieldTable<K> {
  return {
    proto: { abbrev: proto.abbrev, name: proto.name, type: 'PROTOCOL', desc: proto.desc },
    fields: fields as Record<K, FieldDef>,
  };
}

/** Number of bits a bitmask is shifted by (trailing zero count). */
export function maskShift(mask: number): number {
  if (mask === 0) return 0;
  let s = 0;
  while (((mask >>> s) & 1) === 0) s++;
  return s;
}

/** Width in bits of an integer field type. */
export function typeBits(t: FieldType): number {
  switch (t) {
    case 'UINT8':
    case 'INT8':
    case 'CHAR':
      return 8;
    case 'UINT16':
    case 'INT16':
      return 16;
    case 'UINT24':
      return 24;
    case 'UINT32':
    case 'INT32':
    case 'FRAMENUM':
      return 32;
    case 'UINT40':
      return 40;
    case 'UINT48':
      return 48;
    case 'UINT64':
    case 'INT64':
      return 64;
    default:
      return 0;
  }
}
