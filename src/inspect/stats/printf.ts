/**
 * The few C printf conversions tshark's statistics use, reproduced exactly: `%-20s`, `%6d`, `%.4f` (glibc rounds
 * the exact binary value half to even; JavaScript's toFixed rounds exact ties up), and Wireshark's format_size().
 */

/** `%-Ns`: left-justified in N columns (never cut). */
export function padEnd(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}

/** `%Ns` / `%Nd`: right-justified in N columns (never cut). */
export function padStart(s: string | number, width: number): string {
  const t = String(s);
  return t.length >= width ? t : ' '.repeat(width - t.length) + t;
}

/**
 * `%.Nf` of a double as glibc prints it: the exact binary value rounded to N decimals, ties to even.
 * (toFixed gives the same digits except on exact ties, which it rounds away from zero.)
 */
export function fixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(decimals);
  // An exact tie has a finite binary expansion ending in 5 at position decimals+1; toFixed(100) shows it whole
  // for the magnitudes statistics deal with.
  if (Math.abs(x) >= 1e21 || decimals >= 100) return s;
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + decimals);
  if (rest[0] !== '5' || !/^50*$/.test(rest)) return s;
  // Tie: keep the truncated value if its last digit is even, else round away from zero (what toFixed did).
  const truncated = exact.slice(0, decimals === 0 ? dot : dot + 1 + decimals);
  const lastDigit = Number(truncated[truncated.length - 1]);
  if (lastDigit % 2 === 0) return (x < 0 ? '-' : '') + truncated;
  return s;
}

/** C's `(float)x`: the nearest single-precision value. */
export const f32 = Math.fround;

/**
 * Wireshark's format_size(size, FORMAT_SIZE_UNIT_BYTES, 0): `4418 bytes`, `12 kB`, `1349 kB`, `10 MB` (SI prefixes,
 * integer division, a prefix only once the value reaches 10 of it).
 */
export function formatSize(size: number): string {
  const prefixes = ['k', 'M', 'G', 'T', 'P', 'E'];
  // Integer arithmetic on exact integers (sizes here stay below 2^53).
  let p = -1;
  for (let i = prefixes.length - 1; i >= 0; i--) {
    if (Math.floor(size / 1000 ** (i + 1)) >= 10) {
      p = i;
      break;
    }
  }
  if (p < 0) return `${size} bytes`;
  return `${Math.floor(size / 1000 ** (p + 1))} ${prefixes[p]}B`;
}

/** Seconds as a double from integer seconds and nanoseconds (nstime_to_sec). */
export function nsToSec(sec: number, nsec: number): number {
  return sec + nsec / 1e9;
}
