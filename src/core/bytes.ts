/** Small byte helpers over Uint8Array (no Node Buffer: the core runs in browsers). */
import { HEX2 } from './addr.js';

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const ASCII = new TextDecoder('latin1');

export function toHex(b: Uint8Array, start = 0, end = b.length, sep = ''): string {
  // Long runs (a 64 KiB payload in -T json -x) as one flat string: a rope of one piece a byte costs more in garbage
  // collection than everything else the frame needs.
  if (end - start > 256 && sep.length <= 1) {
    const step = 2 + sep.length;
    const out = new Uint8Array((end - start) * step - sep.length);
    const s0 = sep.length ? sep.charCodeAt(0) : 0;
    for (let i = start, o = 0; i < end; i++, o += step) {
      const v = b[i]!;
      if (sep.length && i > start) out[o - 1] = s0;
      out[o] = HEX_DIGITS[v >> 4]!;
      out[o + 1] = HEX_DIGITS[v & 15]!;
    }
    return ASCII.decode(out);
  }
  let s = '';
  for (let i = start; i < end; i++) {
    if (sep && i > start) s += sep;
    s += HEX2[b[i]!]!;
  }
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new RangeError(`not a hex string: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const latin1 = new TextDecoder('latin1');
export function latin1String(b: Uint8Array, start: number, end: number): string {
  return latin1.decode(b.subarray(start, end));
}
