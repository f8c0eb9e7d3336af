/**
 * `-x`: the hex and ASCII dump of a frame, laid out exactly as tshark 4.0 prints it (print_hex_data_buffer):
 *
 *     0000  02 1a 11 f0 c8 3b 60 33 4b 13 c5 58 08 00 45 00   .....;`3K..X..E.
 *
 * Offset in at least 4 hex digits (more when the last offset needs them), two spaces, 16 bytes as `xx `, two more
 * spaces, the ASCII column (0x20..0x7e shown, the rest as `.`); a short last line keeps the ASCII column aligned.
 *
 * Why not the `hexy` dependency: hexy prints 8-digit offsets followed by `: ` and four spaces before the ASCII
 * column, and none of its options give tshark's layout (4-digit growing offset, two spaces, three before the
 * ASCII); it also works on Node Buffers, and src/ stays platform-neutral (Uint8Array only).
 */

const HEX = '0123456789abcdef';

/** Offset digits tshark uses for a buffer of `length` bytes: 4, or as many as the last offset needs (up to 8). */
export function offsetDigits(length: number): number {
  const last = Math.max(0, length - 1);
  if (last >= 0x10000000) return 8;
  if (last >= 0x1000000) return 7;
  if (last >= 0x100000) return 6;
  if (last >= 0x10000) return 5;
  return 4;
}

/** Printable ASCII as tshark shows it in the dump's right column. */
export function asciiChar(c: number): string {
  return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
}

/** The dump lines of `bytes[start, end)`, offsets counted from `start` (tshark dumps each data source from 0). */
export function hexLines(bytes: Uint8Array, start = 0, end = bytes.length): string[] {
  const out: string[] = [];
  const length = Math.max(0, end - start);
  const digits = offsetDigits(length);
  for (let off = 0; off < length; off += 16) {
    let hex = '';
    let ascii = '';
    const n = Math.min(16, length - off);
    for (let i = 0; i < n; i++) {
      const c = bytes[start + off + i]!;
      hex += HEX[c >> 4]! + HEX[c & 15]! + ' ';
      ascii += asciiChar(c);
    }
    out.push(off.toString(16).padStart(digits, '0') + '  ' + hex.padEnd(48) + '  ' + ascii);
  }
  return out;
}

/** One named buffer of a frame: the frame itself, or a reassembled datagram/stream its upper layers come from. */
export interface DataSource {
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * The `-x` block of a frame. With one data source, just its dump; with several (reassembly), each is preceded by
 * `NAME (N bytes):` as tshark does. tshark stops at the first empty source.
 */
export function frameHexDump(data: Uint8Array, sources: readonly DataSource[] = []): string[] {
  const all: DataSource[] = [{ name: 'Frame', data }, ...sources];
  const out: string[] = [];
  const multiple = all.length > 1;
  for (const s of all) {
    if (multiple) out.push(`${s.name} (${s.data.length} bytes):`);
    if (s.data.length === 0) break;
    for (const l of hexLines(s.data)) out.push(l);
  }
  return out;
}
