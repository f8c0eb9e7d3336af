/** pcapng option lists: parsing and encoding (platform-neutral). */
import type { PcapngOption } from './types.js';

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;
/** Custom options (UTF-8 / binary, copyable / not copyable). */
export const OPT_CUSTOM_STR = 2988;
export const OPT_CUSTOM_BIN = 2989;
export const OPT_CUSTOM_STR_NOCOPY = 19372;
export const OPT_CUSTOM_BIN_NOCOPY = 19373;

export const SHB_HARDWARE = 2;
export const SHB_OS = 3;
export const SHB_USERAPPL = 4;

export const IF_NAME = 2;
export const IF_DESCRIPTION = 3;
export const IF_IPV4ADDR = 4;
export const IF_IPV6ADDR = 5;
export const IF_MACADDR = 6;
export const IF_EUIADDR = 7;
export const IF_SPEED = 8;
export const IF_TSRESOL = 9;
export const IF_TZONE = 10;
export const IF_FILTER = 11;
export const IF_OS = 12;
export const IF_FCSLEN = 13;
export const IF_TSOFFSET = 14;
export const IF_HARDWARE = 15;

export const EPB_FLAGS = 2;
export const EPB_HASH = 3;
export const EPB_DROPCOUNT = 4;
export const EPB_PACKETID = 5;
export const EPB_QUEUE = 6;
export const EPB_VERDICT = 7;

export const ISB_STARTTIME = 2;
export const ISB_ENDTIME = 3;
export const ISB_IFRECV = 4;
export const ISB_IFDROP = 5;
export const ISB_FILTERACCEPT = 6;
export const ISB_OSDROP = 7;
export const ISB_USRDELIV = 8;

const utf8 = new TextDecoder('utf-8');

export function utf8Text(b: Uint8Array): string {
  // Strings in options are not NUL-terminated, but some writers add one: drop trailing NULs.
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return utf8.decode(b.subarray(0, end));
}

export interface ParsedOptions {
  options: PcapngOption[];
  /** Set when an option runs past the end of the region. */
  error?: { offset: number; length: number; message: string };
}

/**
 * Parse the option list in `bytes[start, end)`. Values are views unless `copy`.
 * Stops at opt_endofopt; bytes after it, or fewer than 4 bytes left, are ignored (as Wireshark).
 * An option whose value (padded to 4) runs past `end` is an error (Wireshark refuses the block).
 */
export function parseOptions(
  bytes: Uint8Array,
  dv: DataView,
  start: number,
  end: number,
  le: boolean,
  copy: boolean,
): ParsedOptions {
  const options: PcapngOption[] = [];
  let p = start;
  while (end - p >= 4) {
    const code = dv.getUint16(p, le);
    const len = dv.getUint16(p + 2, le);
    if (code === OPT_ENDOFOPT) break;
    const padded = (len + 3) & ~3;
    if (p + 4 + padded > end) {
      // Wireshark accepts an unpadded last value; it refuses a value that is itself cut.
      if (p + 4 + len > end) {
        return {
          options,
          error: { offset: p, length: len, message: `option ${code} of length ${len} runs past the end of its block` },
        };
      }
    }
    const v = bytes.subarray(p + 4, p + 4 + len);
    options.push({ code, value: copy ? v.slice() : v });
    p += 4 + padded;
  }
  return { options };
}

export function optionStrings(options: readonly PcapngOption[], code: number): string[] {
  const out: string[] = [];
  for (const o of options) if (o.code === code) out.push(utf8Text(o.value));
  return out;
}

export function optionString(options: readonly PcapngOption[], code: number): string | undefined {
  for (const o of options) if (o.code === code) return utf8Text(o.value);
  return undefined;
}

export function optionValue(options: readonly PcapngOption[], code: number): Uint8Array | undefined {
  for (const o of options) if (o.code === code) return o.value;
  return undefined;
}

/** Unsigned 64-bit option value in the section's byte order. */
export function optionU64(v: Uint8Array | undefined, le: boolean): bigint | undefined {
  if (!v || v.length < 8) return undefined;
  return new DataView(v.buffer, v.byteOffset, 8).getBigUint64(0, le);
}

/** pcapng timestamps in options (isb_starttime/endtime): high word first, each in section order. */
export function optionTs64(v: Uint8Array | undefined, le: boolean): bigint | undefined {
  if (!v || v.length < 8) return undefined;
  const dv = new DataView(v.buffer, v.byteOffset, 8);
  return (BigInt(dv.getUint32(0, le)) << 32n) | BigInt(dv.getUint32(4, le));
}

const utf8enc = new TextEncoder();

/** Input form of an option for the writers. */
export type OptionInput = { code: number; value: Uint8Array | string };

/** Encode an option list (each value padded to 4 bytes) followed by opt_endofopt when non-empty. */
export function encodeOptions(options: readonly OptionInput[], le: boolean): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const values = options.map((o) => (typeof o.value === 'string' ? utf8enc.encode(o.value) : o.value));
  let n = 4;
  for (const v of values) {
    if (v.length > 0xffff) throw new RangeError(`pcapng option value too long (${v.length} bytes)`);
    n += 4 + ((v.length + 3) & ~3);
  }
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (let i = 0; i < options.length; i++) {
    const v = values[i]!;
    dv.setUint16(p, options[i]!.code, le);
    dv.setUint16(p + 2, v.length, le);
    out.set(v, p + 4);
    p += 4 + ((v.length + 3) & ~3);
  }
  // opt_endofopt: code 0, length 0 (already zero)
  return out;
}

export function u8(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff);
}

export function u32Bytes(n: number, le: boolean): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, le);
  return b;
}

export function u64Bytes(n: bigint, le: boolean): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, n), le);
  return b;
}
