/** The names a filter may use, taken from the protocols' field tables, and what each field's type allows. */
import { frameTable } from '../dissect/frame.js';
import type { FieldDef, FieldTable, FieldType } from '../fields/types.js';
import { typeBits } from '../fields/types.js';

/** abbrev -> declaration, for every protocol and field a filter can name. */
export type FieldIndex = ReadonlyMap<string, FieldDef>;

/**
 * Every filter name the given protocols declare (their protocol names and table fields), plus the `frame`
 * fields. The first declaration of a name wins (a name declared twice has one meaning for filters).
 */
export function fieldIndex(protocols: readonly { readonly table: FieldTable }[]): FieldIndex {
  const m = new Map<string, FieldDef>();
  const addTable = (t: FieldTable): void => {
    if (!m.has(t.proto.abbrev)) m.set(t.proto.abbrev, t.proto);
    for (const d of Object.values(t.fields)) if (!m.has(d.abbrev)) m.set(d.abbrev, d);
  };
  addTable(frameTable);
  for (const p of protocols) addTable(p.table);
  return m;
}

/** How a type's values are compared. */
export type ValueClass = 'int' | 'bool' | 'float' | 'time' | 'string' | 'bytes' | 'ether' | 'ipv4' | 'ipv6' | 'proto' | 'none';

export function valueClass(t: FieldType): ValueClass {
  switch (t) {
    case 'UINT8':
    case 'UINT16':
    case 'UINT24':
    case 'UINT32':
    case 'UINT40':
    case 'UINT48':
    case 'UINT64':
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
    case 'FRAMENUM':
    case 'CHAR':
      return 'int';
    case 'BOOLEAN':
      return 'bool';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float';
    case 'ABSOLUTE_TIME':
    case 'RELATIVE_TIME':
      return 'time';
    case 'STRING':
    case 'STRINGZ':
    case 'UINT_STRING':
      return 'string';
    case 'BYTES':
    case 'UINT_BYTES':
      return 'bytes';
    case 'ETHER':
    case 'EUI64':
      return 'ether';
    case 'IPv4':
      return 'ipv4';
    case 'IPv6':
      return 'ipv6';
    case 'PROTOCOL':
      return 'proto';
    case 'NONE':
      return 'none';
  }
}

/** Wireshark 4.0's name of a type (`tshark -G ftypes`), used in its error messages. */
export function typeName(t: FieldType): string {
  switch (t) {
    case 'NONE':
      return 'Label';
    case 'PROTOCOL':
      return 'Protocol';
    case 'BOOLEAN':
      return 'Boolean';
    case 'CHAR':
      return 'Character (1 byte)';
    case 'FLOAT':
      return 'Floating point (single-precision)';
    case 'DOUBLE':
      return 'Floating point (double-precision)';
    case 'ABSOLUTE_TIME':
      return 'Date and time';
    case 'RELATIVE_TIME':
      return 'Time offset';
    case 'STRING':
    case 'STRINGZ':
    case 'UINT_STRING':
      return 'Character string';
    case 'ETHER':
      return 'Ethernet or other MAC address';
    case 'BYTES':
    case 'UINT_BYTES':
      return 'Byte sequence';
    case 'IPv4':
      return 'IPv4 address';
    case 'IPv6':
      return 'IPv6 address';
    case 'FRAMENUM':
      return 'Frame number';
    case 'EUI64':
      return 'EUI64 address';
    default: {
      const bytes = typeBits(t) / 8;
      const signed = t.startsWith('INT');
      return `${signed ? 'Signed' : 'Unsigned'} integer (${bytes} byte${bytes === 1 ? '' : 's'})`;
    }
  }
}

/** Smallest and largest value of an integer type. */
export function intRange(t: FieldType): [bigint, bigint] {
  if (t === 'CHAR') return [0n, 255n];
  const bits = BigInt(typeBits(t) || 64);
  if (t.startsWith('INT')) return [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
  return [0n, (1n << bits) - 1n];
}
