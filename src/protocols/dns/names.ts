/**
 * Domain names (RFC 1035 3.1, 4.1.4): reading with compression pointers (bounded: every jump goes to a new
 * offset and there are at most MAX_JUMPS of them, so a loop is a Problem, never a hang), the text form tshark
 * prints, parsing of text names, and writing with compression.
 */
import { EncodeError, problem } from '../../core/problem.js';
import type { Problem } from '../../core/problem.js';

/** A name as decoded, or as given to the encoder. */
export interface DnsName {
  /** The labels as on the wire (bytes, case kept), without the empty root label. */
  labels: Uint8Array[];
  /**
   * The wire form. `undefined`: compress when encoding (where compression is allowed). `null`: written in full.
   * A number: the first `inline` labels are written in full, then a pointer to this offset in the message.
   * A decoded name keeps what the wire had; the encoder reuses a pointer only if it still points at the same
   * labels (else it compresses anew), unless `verbatim` is set.
   */
  ptr?: number | null;
  inline?: number;
  /** Write `ptr` as given even if it points at something else (for crafting broken messages). */
  verbatim?: boolean;
  /** Set on a decoded name that could not be read whole: its text is tshark's marker for the case. */
  bad?: 'loop' | 'too-long';
}

/** A name as the encoder accepts it: a DnsName, or text (`www.example.com`, `\.` and `\DDD` escapes, `.` = root). */
export type NameInput = DnsName | string;

/** Most pointers followed for one name. Real messages need a handful; a chain longer than this is reported. */
export const MAX_JUMPS = 64;
/** RFC 1035 2.3.4: a name is at most 255 bytes in wire form. */
export const MAX_NAME_WIRE = 255;

const utf8 = new TextDecoder('utf-8');

/** readName's scratch: where each label of the name being read starts, and its length (a name has at most 127). */
const LABEL_AT = new Int32Array(128);
const LABEL_LEN = new Int32Array(128);

/** The text tshark prints for a name: labels joined by dots, bytes as UTF-8 (invalid as U+FFFD), root as `<Root>`. */
export function nameText(name: DnsName): string {
  if (name.bad === 'loop') return '<Name contains a pointer that loops>';
  if (name.bad === 'too-long') return '<Name too long>';
  if (name.labels.length === 0) return '<Root>';
  let s = '';
  for (let i = 0; i < name.labels.length; i++) {
    if (i) s += '.';
    s += labelText(name.labels[i]!);
  }
  return s;
}

/** A label's bytes as UTF-8 text: ASCII bytes are their characters (no decoder call), others go to the decoder. */
function labelText(l: Uint8Array): string {
  for (let i = 0; i < l.length; i++) if (l[i]! >= 0x80) return utf8.decode(l);
  return String.fromCharCode.apply(null, l as unknown as number[]);
}

export interface NameRead {
  name: DnsName;
  /** Where the bytes of the name at its position end (after the root byte or the first pointer). */
  end: number;
  /** False when the name could not be read (truncated, bad pointer, loop): a Problem was pushed. */
  ok: boolean;
  /** Text as tshark shows it (also for the loop / too long cases). */
  text: string;
  /** Wire length of the expanded name (labels + length bytes + root). */
  wireLength: number;
}

/**
 * Read a name at `off`. `base` is the first byte of the DNS message (pointers are offsets from it), `limit` the
 * end of the message. Never throws; problems go to `problems` with absolute ranges.
 */
export function readName(
  b: Uint8Array,
  base: number,
  limit: number,
  off: number,
  problems: Problem[] | null,
  layer: string,
  field: string,
  limitedBy = 'udp.length',
): NameRead {
  // Label positions first (no allocation while following pointers); views are made once the name is known good.
  let count = 0;
  const views = (n: number): Uint8Array[] => {
    const out: Uint8Array[] = new Array<Uint8Array>(n);
    for (let i = 0; i < n; i++) out[i] = b.subarray(LABEL_AT[i]!, LABEL_AT[i]! + LABEL_LEN[i]!);
    return out;
  };
  let pos = off;
  let end = -1;
  let jumps = 0;
  let wire = 1;
  let ptr: number | null = null;
  let inline = 0;
  let visited: number[] | null = null;
  let tooLong = false;
  const fail = (code: 'truncated' | 'bad-pointer' | 'pointer-loop' | 'bad-value', s: number, e: number, msg: string, text?: string): NameRead => {
    problems?.push(problem(layer, code, s, Math.min(Math.max(e, s), limit), msg, { field, ...(code === 'truncated' ? { limitedBy } : {}) }));
    const name: DnsName = { labels: views(count), ptr: ptr, inline };
    if (code === 'pointer-loop') name.bad = 'loop';
    return { name, end: end < 0 ? limit : end, ok: false, text: text ?? nameText(name), wireLength: wire };
  };
  for (;;) {
    if (pos >= limit) return fail('truncated', off, limit, `name runs past the end of the message`);
    const len = b[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 2 > limit) return fail('truncated', pos, limit, 'compression pointer cut short');
      const target = ((len & 0x3f) << 8) | b[pos + 1]!;
      if (end < 0) {
        end = pos + 2;
        ptr = target;
        inline = count;
      }
      if (base + target >= limit) return fail('bad-pointer', pos, pos + 2, `compression pointer to offset ${target}, past the end of the message (${limit - base} bytes)`);
      if (visited === null) visited = [];
      if (visited.includes(target) || base + target === pos || jumps >= MAX_JUMPS) {
        return fail('pointer-loop', pos, pos + 2, jumps >= MAX_JUMPS ? `more than ${MAX_JUMPS} compression pointers in one name` : `compression pointer to offset ${target} loops`, '<Name contains a pointer that loops>');
      }
      if (base + target > pos && problems) {
        problems.push({ ...problem(layer, 'bad-pointer', pos, pos + 2, `forward compression pointer to offset ${target} (followed, as tshark does)`, { field }), severity: 'warning' });
      }
      visited.push(target);
      jumps++;
      pos = base + target;
      continue;
    }
    if (kind !== 0) return fail('bad-value', pos, pos + 1, `label type 0x${kind.toString(16)} is not supported (RFC 6891 deprecated extended labels)`);
    if (pos + 1 + len > limit) return fail('truncated', pos, limit, `label of ${len} bytes runs past the end of the message`);
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) {
      if (!tooLong) {
        tooLong = true;
        problems?.push(problem(layer, 'bad-length', off, Math.max(end, pos + 1 + len), `name longer than ${MAX_NAME_WIRE} bytes`, { field, expected: MAX_NAME_WIRE, actual: wire }));
      }
      // keep scanning only to find where the name ends at its position; stop once that is known
      if (end >= 0) break;
    } else {
      LABEL_AT[count] = pos + 1;
      LABEL_LEN[count++] = len;
    }
    pos += 1 + len;
  }
  // A name too long shows as `<Name too long>`: keep only the labels at its own position (what re-encoding writes
  // before its pointer), not the up to 255 bytes of labels reached through pointers. Thousands of such names in one
  // message (malformed/tcpdump/dns_fwdptr.pcap: 10,518) otherwise hold ~900,000 label views (100 MB) for 63 KB.
  const name: DnsName = { labels: views(tooLong && ptr !== null ? inline : count), ptr, inline };
  if (tooLong) name.bad = 'too-long';
  return { name, end, ok: !tooLong, text: nameText(name), wireLength: wire };
}

/** Parse a text name: labels split on unescaped dots, `\.`/`\\` and `\DDD` escapes; '', '.' and '<Root>' = root. */
export function parseName(text: string, field = 'dns.qry.name'): DnsName {
  if (text === '' || text === '.' || text === '<Root>') return { labels: [] };
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      const d = /^\d{3}/.exec(text.slice(i + 1));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) throw new EncodeError(field, `escape \\${d[0]} is not a byte`);
        cur.push(v);
        i += 3;
      } else if (i + 1 < text.length) {
        for (const x of enc.encode(text[i + 1]!)) cur.push(x);
        i += 1;
      }
      continue;
    }
    if (c === '.') {
      if (cur.length === 0) throw new EncodeError(field, `empty label in ${JSON.stringify(text)}`);
      labels.push(Uint8Array.from(cur));
      cur = [];
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    for (const x of enc.encode(String.fromCodePoint(cp))) cur.push(x);
  }
  if (cur.length) labels.push(Uint8Array.from(cur));
  return { labels };
}

export function toName(n: NameInput, field: string): DnsName {
  return typeof n === 'string' ? parseName(n, field) : n;
}

/** A growable byte buffer with big-endian writers. Offsets are from the start of the DNS message. */
export class ByteWriter {
  buf = new Uint8Array(512);
  len = 0;
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }
  u8(v: number): void {
    this.grow(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.grow(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }
  u32(v: number): void {
    this.grow(4);
    this.buf[this.len++] = (v >>> 24) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }
  bytes(b: Uint8Array): void {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  set16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function suffixKey(labels: readonly Uint8Array[], from: number): string {
  let s = '';
  for (let i = from; i < labels.length; i++) {
    const l = labels[i]!;
    s += String.fromCharCode(l.length);
    for (let j = 0; j < l.length; j++) s += String.fromCharCode(l[j]!);
  }
  return s;
}

function sameLabels(a: readonly Uint8Array[], from: number, b: readonly Uint8Array[]): boolean {
  if (a.length - from !== b.length) return false;
  for (let i = 0; i < b.length; i++) {
    const x = a[from + i]!;
    const y = b[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

/** Writes names into a message, remembering where each suffix was written so later names can point to it. */
export class NameWriter {
  private readonly seen = new Map<string, number>();
  constructor(readonly w: ByteWriter) {}

  /**
   * Write `name` at the current position. `compress`: may a new pointer be used (owner names and the RDATA names
   * RFC 3597 allows)? A decoded name's own pointer is reused when it still points at the same labels.
   */
  write(name: DnsName, compress: boolean, field: string): void {
    const w = this.w;
    const labels = name.labels;
    for (const l of labels) {
      if (l.length > 63) throw new EncodeError(field, `label of ${l.length} bytes does not fit in 6 bits (max 63)`);
    }
    let inline = labels.length;
    let ptr = -1;
    if (typeof name.ptr === 'number') {
      const at = Math.min(Math.max(name.inline ?? 0, 0), labels.length);
      if (name.ptr > 0x3fff) throw new EncodeError(field, `compression pointer ${name.ptr} does not fit in 14 bits`);
      if (name.verbatim || this.pointsAt(name.ptr, labels, at)) {
        inline = at;
        ptr = name.ptr;
      }
    }
    if (ptr < 0 && compress && name.ptr !== null) {
      for (let i = 0; i < labels.length; i++) {
        const hit = this.seen.get(suffixKey(labels, i));
        if (hit !== undefined) {
          inline = i;
          ptr = hit;
          break;
        }
      }
    }
    for (let i = 0; i < inline; i++) {
      const here = w.len;
      if (here <= 0x3fff) {
        const key = suffixKey(labels, i);
        if (!this.seen.has(key)) this.seen.set(key, here);
      }
      w.u8(labels[i]!.length);
      w.bytes(labels[i]!);
    }
    if (ptr >= 0) w.u16(0xc000 | ptr);
    else w.u8(0);
  }

  /** Does offset `ptr` of what was written so far hold exactly labels[from..]? */
  private pointsAt(ptr: number, labels: readonly Uint8Array[], from: number): boolean {
    if (ptr >= this.w.len) return false;
    const r = readName(this.w.buf, 0, this.w.len, ptr, null, 'dns', '');
    return r.ok && sameLabels(labels, from, r.name.labels);
  }
}
