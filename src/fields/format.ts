/** Text forms of field values, as tshark prints them (`-T fields`, and the values in `-V` labels). */
import { toHex } from '../core/bytes.js';
import { arrivalTime, epochParts } from '../core/time.js';
import type { FieldDef, FieldNode, FieldValue } from './types.js';
import { typeBits } from './types.js';

/** Hex digits tshark prints for a field: the type width (a masked UINT16 still prints 4), unless overridden. */
export function hexDigits(def: FieldDef): number {
  if (def.hexDigits !== undefined) return def.hexDigits;
  return Math.max(2, typeBits(def.type) / 4);
}

function hexOf(def: FieldDef, v: number | bigint): string {
  return '0x' + v.toString(16).padStart(hexDigits(def), '0');
}

/**
 * Escape a string value as tshark 4.0 does for -T fields (format_text): non-printable ASCII as C escapes
 * (\\a \\b \\f \\n \\r \\t \\v, else octal \\ooo), backslash kept as is.
 */
export function escapeText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) out += s[i];
    else if (c >= 0x80) out += s[i];
    else {
      switch (c) {
        case 7:
          out += '\\a';
          break;
        case 8:
          out += '\\b';
          break;
        case 12:
          out += '\\f';
          break;
        case 10:
          out += '\\n';
          break;
        case 13:
          out += '\\r';
          break;
        case 9:
          out += '\\t';
          break;
        case 11:
          out += '\\v';
          break;
        default:
          out += '\\' + c.toString(8).padStart(3, '0');
      }
    }
  }
  return out;
}

/** A value as `tshark -T fields` prints it. */
export function fieldText(def: FieldDef, value: FieldValue): string {
  if (value === null) return '';
  switch (def.type) {
    case 'BOOLEAN':
      return value ? '1' : '0';
    case 'BYTES':
    case 'UINT_BYTES':
      // tshark prints a present but empty byte field as <MISSING>
      return value instanceof Uint8Array ? (value.length ? toHex(value) : '<MISSING>') : String(value);
    case 'STRING':
    case 'STRINGZ':
    case 'UINT_STRING':
      return escapeText(String(value));
    case 'NONE':
    case 'PROTOCOL':
      return '';
    case 'ABSOLUTE_TIME': {
      // Absolute times are carried as epoch text (`1369953917.270862000`) and printed as tshark prints them.
      const t = typeof value === 'string' ? epochParts(value) : null;
      if (t) return arrivalTime(t[0], t[1]);
      break;
    }
    default:
      break;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    switch (def.base) {
      case 'HEX':
      case 'HEX_DEC':
        return hexOf(def, value);
      case 'OCT':
        return '0' + value.toString(8);
      default:
        return value.toString();
    }
  }
  if (value instanceof Uint8Array) return toHex(value);
  return String(value);
}

/** Bytes a BYTES label shows before its ellipsis (tshark 4.0). */
const BYTES_SHOWN = 36;

/** The value part of a tree label: `64`, `UDP (17)`, `0x0000`, `Set`. */
export function displayValue(def: FieldDef, value: FieldValue): string {
  if (value === null) return '';
  if (def.type === 'BOOLEAN') {
    const tfs = def.tfs ?? ['True', 'False'];
    return value ? tfs[0] : tfs[1];
  }
  if (def.type === 'BYTES' || def.type === 'UINT_BYTES') {
    if (!(value instanceof Uint8Array)) return String(value);
    if (!value.length) return '<MISSING>';
    // tshark's labels show at most 36 bytes, then an ellipsis (bytes_to_str, MAX_BYTE_STR_LEN).
    return value.length > BYTES_SHOWN ? toHex(value, 0, BYTES_SHOWN) + '\u2026' : toHex(value, 0, value.length);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    let num: string;
    switch (def.base) {
      case 'HEX':
        num = hexOf(def, value);
        break;
      case 'DEC_HEX':
        num = `${value} (${hexOf(def, value)})`;
        break;
      case 'HEX_DEC':
        num = `${hexOf(def, value)} (${value})`;
        break;
      default:
        num = value.toString();
    }
    if (def.strings) return `${def.strings[Number(value)] ?? 'Unknown'} (${num})`;
    return def.unit ? num + def.unit : num;
  }
  if (typeof value === 'string') {
    if (def.type === 'ABSOLUTE_TIME') {
      const t = epochParts(value);
      if (t) return arrivalTime(t[0], t[1]);
    }
    return def.type === 'STRING' || def.type === 'STRINGZ' || def.type === 'UINT_STRING' ? escapeText(value) : value;
  }
  return String(value);
}

/** bitPattern's drawings already made, by container width and mask, then by the masked bits (bounded). */
const PATTERNS = new Map<number, Map<number, string>>();

/** `0100 .... = ` for a bit field of `bytes` bytes with `mask` (tshark's bit drawing), or '' for none. */
export function bitPattern(mask: number, bytes: number, raw: number): string {
  // The drawing depends only on the masked bits: drawings of containers up to 4 bytes are kept (a few per field).
  if (bytes <= 4 && Number.isInteger(mask) && Number.isInteger(raw) && mask >= 0 && mask <= 0xffffffff && raw >= 0 && raw <= 0xffffffff) {
    const key = mask * 8 + bytes;
    let byBits = PATTERNS.get(key);
    if (!byBits) PATTERNS.set(key, (byBits = new Map()));
    const bitsSet = (raw & mask) >>> 0;
    let s = byBits.get(bitsSet);
    if (s === undefined) {
      s = drawBits(mask, bytes, raw);
      if (byBits.size < 1024) byBits.set(bitsSet, s);
    }
    return s;
  }
  return drawBits(mask, bytes, raw);
}

function drawBits(mask: number, bytes: number, raw: number): string {
  const bits = bytes * 8;
  let s = '';
  for (let i = bits - 1; i >= 0; i--) {
    const m = 2 ** i;
    const inMask = Math.floor(mask / m) % 2 === 1;
    s += inMask ? (Math.floor(raw / m) % 2 === 1 ? '1' : '0') : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return s + ' = ';
}

/** True when a label already starts with a drawn bit pattern (`0100 .... = `). */
const HAS_BITS = /^[01.]{4}( [01.]{4})* = /;

/**
 * The tree label of a node: `Time to Live: 64`, `0100 .... = Version: 4`. `containerRaw` is the value of the
 * node's `len` bytes (big-endian): with it, a bit field's label is prefixed with its bit drawing, also when the node
 * overrides its label with `text` (unless that text already draws the bits).
 */
export function nodeLabel(node: FieldNode, containerRaw?: number): string {
  const def = node.def;
  const bits =
    node.bitmask !== undefined && containerRaw !== undefined && node.len > 0 && node.len <= 6
      ? bitPattern(node.bitmask, node.len, containerRaw)
      : '';
  if (node.text !== undefined) return bits && !HAS_BITS.test(node.text) ? bits + node.text : node.text;
  if (def.type === 'PROTOCOL' || def.type === 'NONE') return def.name;
  return `${bits}${def.name}: ${displayValue(def, node.value)}`;
}
