/**
 * Timestamp helpers: pcapng if_tsresol units, exact 64-bit timestamp splitting, and the
 * text tshark prints for frame.time_epoch.
 *
 * Platform-neutral (no Node APIs).
 */
import type { CaptureRecord } from './types.js';

const TWO32 = 4294967296;
const U64_MAX = (1n << 64n) - 1n;

/**
 * Time units per second for an if_tsresol byte (bit 7 set: 2^-n, else 10^-n).
 * Like Wireshark: an exponent that overflows 64 bits (10^20 and up, 2^64 and up) gives 2^64-1.
 */
export function tsresolUnits(tsresol: number | undefined): bigint {
  if (tsresol === undefined) return 1_000_000n;
  const exp = tsresol & 0x7f;
  if (tsresol & 0x80) return exp < 64 ? 1n << BigInt(exp) : U64_MAX;
  return exp < 20 ? 10n ** BigInt(exp) : U64_MAX;
}

/** The if_tsresol byte for a number of decimal digits (6 = µs, 9 = ns). */
export function tsresolDecimal(digits: number): number {
  return digits & 0x7f;
}

/**
 * How a pcapng interface converts its 64-bit timestamps to seconds + nanoseconds.
 * Precomputed per interface so the per-packet work is a few float operations.
 */
export class TimestampScale {
  readonly units: bigint;
  /** 0: 10^k with k <= 9 (exact long division); 1: 2^k with 1 <= k <= 32; 2: BigInt path. */
  private readonly mode: 0 | 1 | 2;
  private readonly u: number;
  private readonly mult: number;
  private readonly shift: number;
  /** Seconds offset (if_tsoffset) as a number, or 0. */
  readonly offsetSec: number;
  private readonly offsetBig: bigint;

  constructor(tsresol: number | undefined, tsOffset: bigint = 0n) {
    this.units = tsresolUnits(tsresol);
    this.offsetBig = tsOffset;
    this.offsetSec = Number(tsOffset);
    const exp = tsresol === undefined ? 6 : tsresol & 0x7f;
    const base2 = tsresol !== undefined && (tsresol & 0x80) !== 0;
    this.u = Number(this.units);
    this.mult = 1;
    this.shift = 0;
    if (!base2 && exp <= 9 && this.units > 1n) {
      this.mode = 0;
      this.mult = 10 ** (9 - exp);
    } else if (base2 && exp >= 1 && exp <= 32) {
      this.mode = 1;
      this.shift = exp;
    } else {
      this.mode = 2;
    }
  }

  /**
   * Split a 64-bit count (high, low words) into [seconds, nanoseconds], written into `out`.
   * Matches Wireshark 4.0: secs = count / units (as signed 64-bit), nsecs =
   * ((count % units) * 10^9 mod 2^64) / units (resolutions finer than 1 ns are truncated, and
   * Wireshark's 64-bit overflow for resolutions finer than ~10^-10 is reproduced), then
   * if_tsoffset is added to the seconds.
   */
  split(high: number, low: number, out: number[]): void {
    if (this.mode === 0) {
      const u = this.u;
      const qa = Math.floor(high / u);
      let r = high - qa * u;
      const b = r * 65536 + (low >>> 16);
      const qb = Math.floor(b / u);
      r = b - qb * u;
      const c = r * 65536 + (low & 0xffff);
      const qc = Math.floor(c / u);
      r = c - qc * u;
      const secs = qa * TWO32 + qb * 65536 + qc;
      if (secs <= Number.MAX_SAFE_INTEGER) {
        out[0] = secs + this.offsetSec;
        out[1] = r * this.mult;
        if (this.offsetBig === 0n || Number.isSafeInteger(out[0])) return;
      }
    } else if (this.mode === 1) {
      const k = this.shift;
      const secs = k === 32 ? high : high * 2 ** (32 - k) + (low >>> k);
      if (secs <= Number.MAX_SAFE_INTEGER) {
        const frac = k === 32 ? low : low & ((1 << k) - 1) >>> 0;
        const ns = k <= 9 ? Math.floor((frac * 1e9) / 2 ** k) : Math.floor((frac * 1953125) / 2 ** (k - 9));
        out[0] = secs + this.offsetSec;
        out[1] = ns;
        if (this.offsetBig === 0n || Number.isSafeInteger(out[0])) return;
      }
    }
    const ts = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    let secs = ts / this.units;
    if (secs >= 1n << 63n) secs -= 1n << 64n;
    const ns = (((ts % this.units) * 1_000_000_000n) & U64_MAX) / this.units;
    out[0] = Number(secs + this.offsetBig);
    out[1] = Number(ns);
  }
}

/**
 * frame.time_epoch as tshark 4.0 prints it: seconds, '.', nanoseconds with 9 digits.
 * Reproduces tshark for bad values too: the nanoseconds are a C int, so a raw pcap fraction of
 * 2^31 or more shows as its magnitude with a leading '-' (tshark's display_epoch_time), and a
 * value of 10^9 or more shows with 10 digits.
 */
export function epochText(sec: number, nsec: number): string {
  let frac = nsec;
  let sign = '';
  if (frac >= 1_000_000_000 || frac < 0) {
    frac = frac % TWO32;
    if (frac < 0) frac += TWO32;
    frac = frac | 0;
    if (frac < 0) {
      frac = -frac;
      if (sec >= 0) sign = '-';
    }
  }
  const f = String(frac);
  return sign + String(sec) + '.' + (f.length >= 9 ? f : '000000000'.slice(f.length) + f);
}

/** frame.time_epoch text of a record ('' when it has no timestamp, as tshark for SPB / custom blocks). */
export function recordEpochText(rec: CaptureRecord): string {
  if (rec.hasTimestamp === false) return '';
  return epochText(rec.tsSec, rec.tsNsec);
}

/** frame.interface_id text of a record: '' for classic pcap and custom blocks (tshark shows none). */
export function recordInterfaceIdText(rec: CaptureRecord): string {
  if (rec.source === 'pcap' || rec.source === 'pcap-modified' || rec.source === 'custom') return '';
  return String(rec.interfaceId);
}

/** Compare two timestamps (sec, nsec): negative, 0 or positive. */
export function compareTime(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return aSec !== bSec ? aSec - bSec : aNsec - bNsec;
}

/**
 * Encode seconds + nanoseconds as a 64-bit count in `units` per second, returned as [high, low].
 * Exact (BigInt) — used by the writers; sub-unit nanoseconds are truncated. Throws a RangeError
 * when the count would be negative or beyond 64 bits.
 */
export function joinTimestamp(sec: number, nsec: number, units: bigint, tsOffset = 0n): [number, number] {
  const s = BigInt(sec) - tsOffset;
  const ts = s * units + (BigInt(nsec) * units) / 1_000_000_000n;
  if (ts < 0n || ts > U64_MAX) throw new RangeError(`time ${sec}.${nsec} is not representable at ${units} units per second with offset ${tsOffset}`);
  return [Number(ts >> 32n), Number(ts & 0xffffffffn)];
}

/**
 * Link types whose records start with a fixed-size pseudo-header that Wireshark moves out of
 * the packet data (wiretap pcap_get_phdr_size): SunATM 4, MTP2_WITH_PHDR 4, LINUX_IRDA 16,
 * LINUX_LAPD 16, SITA 5, BLUETOOTH_HCI_H4_WITH_PHDR 4, PPP_WITH_DIR 1, IPMB_LINUX 4.
 */
export const TSHARK_PSEUDO_HEADER_LEN: Readonly<Record<number, number>> = {
  123: 4,
  139: 4,
  144: 16,
  177: 16,
  196: 5,
  201: 4,
  204: 1,
  209: 4,
};

/**
 * frame.len and frame.cap_len as tshark shows them: the record's lengths, less the pseudo-header
 * Wireshark strips for a few link types (see TSHARK_PSEUDO_HEADER_LEN).
 */
export function tsharkFrameLengths(rec: CaptureRecord): { len: number; capLen: number } {
  const ph = rec.source === 'custom' ? 0 : (TSHARK_PSEUDO_HEADER_LEN[rec.linkType] ?? 0);
  if (ph === 0 || rec.data.length < ph) return { len: rec.origLen, capLen: rec.data.length };
  return { len: Math.max(0, rec.origLen - ph), capLen: rec.data.length - ph };
}
