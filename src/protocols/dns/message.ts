/** A whole DNS message: header, the four sections, decoding (never throws) and encoding (with compression). */
import { problem } from '../../core/problem.js';
import type { Problem } from '../../core/problem.js';
import { EncodeError } from '../../core/problem.js';
import { compileHeader, readUint } from '../../fields/compile.js';
import { ByteWriter, NameWriter, readName, toName } from './names.js';
import type { DnsName, NameInput } from './names.js';
import { TYPE_BY_KIND, decodeRData, encodeRData } from './rdata.js';
import type { RData, RDataInput } from './rdata.js';
import { DNS_CLASSES, DNS_TYPE_NAMES, dnsTable } from './table.js';

export const header = compileHeader(dnsTable);
/** `{ questions, answers, authorities, additionals }` with the header fields read after them, in one allocation. */
const makeValue = header.creator(['questions', 'answers', 'authorities', 'additionals']);
export const HEADER_LEN = 12;

export interface DnsQuestion {
  name: DnsName;
  type: number;
  /** The whole 16-bit class field (for mDNS the top bit is the unicast-response "QU" bit). */
  class: number;
}

export interface DnsRecord {
  name: DnsName;
  type: number;
  /** The whole class field: for mDNS the top bit is cache-flush; for OPT it is the UDP payload size. */
  class: number;
  /** The whole TTL field: for OPT it holds the extended RCODE, version, DO bit and Z. */
  ttl: number;
  /** RDLENGTH as on the wire. */
  rdlength: number;
  data: RData;
}

/** Header fields: the keys of the field table's fixed part. */
export interface DnsHeader {
  id: number;
  flags: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  truncated: boolean;
  recdesired: boolean;
  recavail: boolean;
  z: boolean;
  authenticated: boolean;
  checkdisable: boolean;
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export interface DnsValue extends DnsHeader {
  /** DNS over TCP: the two-byte length prefix (dns.length). Absent over UDP. */
  length?: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  /** From the first entry that could not be decoded to the end of the message (malformed messages only). */
  undecoded?: Uint8Array;
  /** Bytes after the last counted record (dns.extraneous.data). */
  extraneous?: Uint8Array;
}

export interface DnsQuestionInput {
  name: NameInput;
  /** Number or mnemonic (`'AAAA'`); default A. */
  type?: number | string;
  /** Number or mnemonic (`'IN'`); default IN. For mDNS, OR 0x8000 for a unicast-response question. */
  class?: number | string;
}

export interface DnsRecordInput {
  name?: NameInput;
  /** Number or mnemonic; default: the type of `data.kind` (required for the `unknown` kind). */
  type?: number | string;
  /** Default IN (1); OPT: 4096 (the UDP payload size). */
  class?: number | string;
  ttl?: number;
  /** Undefined: the length of the encoded RDATA. */
  rdlength?: number;
  data: RDataInput;
}

export interface DnsInput {
  id?: number;
  /** The whole flags word; any flag given below overrides its bits. Default 0 (a standard query). */
  flags?: number;
  response?: boolean;
  opcode?: number;
  authoritative?: boolean;
  truncated?: boolean;
  recdesired?: boolean;
  recavail?: boolean;
  z?: boolean;
  authenticated?: boolean;
  checkdisable?: boolean;
  rcode?: number;
  /** Undefined: the number of entries given. */
  qdcount?: number;
  ancount?: number;
  nscount?: number;
  arcount?: number;
  questions?: DnsQuestionInput[];
  answers?: DnsRecordInput[];
  authorities?: DnsRecordInput[];
  additionals?: DnsRecordInput[];
  undecoded?: Uint8Array;
  extraneous?: Uint8Array;
  /** TCP length prefix; undefined = the message length (written when the enclosing layer is TCP, or `tcp` is set). */
  length?: number;
  tcp?: boolean;
  /** The whole message (after any TCP prefix) verbatim: used for messages that do not re-encode from their parts. */
  raw?: Uint8Array;
}

const FLAG_BITS: readonly [keyof DnsInput, number, number][] = [
  ['response', 0x8000, 15],
  ['opcode', 0x7800, 11],
  ['authoritative', 0x0400, 10],
  ['truncated', 0x0200, 9],
  ['recdesired', 0x0100, 8],
  ['recavail', 0x0080, 7],
  ['z', 0x0040, 6],
  ['authenticated', 0x0020, 5],
  ['checkdisable', 0x0010, 4],
  ['rcode', 0x000f, 0],
];

const TYPE_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(DNS_TYPE_NAMES).map(([k, v]) => [v.toUpperCase(), Number(k)]));
const CLASS_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(DNS_CLASSES).map(([k, v]) => [v, Number(k)]));

export function typeCode(t: number | string, field: string): number {
  if (typeof t === 'number') return t;
  const u = t.toUpperCase();
  const n = TYPE_BY_NAME.get(u) ?? (/^TYPE\d+$/.test(u) ? Number(u.slice(4)) : undefined);
  if (n === undefined || n > 0xffff) throw new EncodeError(field, `unknown record type ${t}`);
  return n;
}

export function classCode(c: number | string, field: string): number {
  if (typeof c === 'number') return c;
  const u = c.toUpperCase();
  const n = CLASS_BY_NAME.get(u) ?? (/^CLASS\d+$/.test(u) ? Number(u.slice(5)) : undefined);
  if (n === undefined || n > 0xffff) throw new EncodeError(field, `unknown class ${c}`);
  return n;
}

/** An EDNS OPT pseudo-record (RFC 6891) for the additional section. */
export function edns(o: {
  udpPayloadSize?: number;
  extRcode?: number;
  version?: number;
  do?: boolean;
  z?: number;
  options?: Extract<RDataInput, { kind: 'opt' }>['options'];
} = {}): DnsRecordInput {
  const ttl = (((o.extRcode ?? 0) & 0xff) * 0x1000000 + ((o.version ?? 0) & 0xff) * 0x10000 + (o.do ? 0x8000 : 0) + ((o.z ?? 0) & 0x7fff)) >>> 0;
  return { name: '', type: 41, class: o.udpPayloadSize ?? 4096, ttl, data: { kind: 'opt', options: o.options ?? [] } };
}

// ------------------------------------------------------------------------------------------------------------

type Section = 'questions' | 'answers' | 'authorities' | 'additionals';

/**
 * Decode the message in [base, limit). Problems are pushed with absolute ranges. Never throws; a section entry
 * that cannot be decoded stops decoding, and the bytes from it on are kept in `undecoded`. `limitedBy` names the
 * length that set `limit` (udp.length, or dns.length over TCP), for truncation problems.
 */
export function decodeMessage(b: Uint8Array, base: number, limit: number, problems: Problem[], layer: string, limitedBy = 'udp.length'): DnsValue {
  const v = makeValue(b, base, limit, [], [], [], []) as unknown as DnsValue;
  if (limit - base < HEADER_LEN) {
    problems.push(problem(layer, 'truncated', base, limit, `DNS header needs ${HEADER_LEN} bytes, ${limit - base} present`, { expected: HEADER_LEN, actual: limit - base, limitedBy }));
    return v;
  }
  let pos = base + HEADER_LEN;
  const m = { b, base, limit };
  const counts: [Section, number][] = [
    ['questions', v.qdcount],
    ['answers', v.ancount],
    ['authorities', v.nscount],
    ['additionals', v.arcount],
  ];
  outer: for (const [section, count] of counts) {
    for (let i = 0; i < count; i++) {
      const at = pos;
      const field = section === 'questions' ? 'dns.qry.name' : 'dns.resp.name';
      const n = readName(b, base, limit, pos, problems, layer, field, limitedBy);
      if (!n.ok && n.name.bad === undefined) {
        v.undecoded = b.subarray(at, limit);
        break outer;
      }
      pos = n.end;
      if (section === 'questions') {
        if (pos + 4 > limit) {
          problems.push(problem(layer, 'truncated', pos, limit, `question needs 4 more bytes for type and class, ${limit - pos} present`, { field: 'dns.qry.type', expected: 4, actual: limit - pos, limitedBy }));
          v.undecoded = b.subarray(at, limit);
          break outer;
        }
        v.questions.push({ name: n.name, type: readUint(b, pos, 2), class: readUint(b, pos + 2, 2) });
        pos += 4;
        continue;
      }
      if (pos + 10 > limit) {
        problems.push(problem(layer, 'truncated', pos, limit, `record needs 10 bytes for type, class, TTL and length, ${limit - pos} present`, { field: 'dns.resp.type', expected: 10, actual: limit - pos, limitedBy }));
        v.undecoded = b.subarray(at, limit);
        break outer;
      }
      const type = readUint(b, pos, 2);
      const cls = readUint(b, pos + 2, 2);
      const ttl = readUint(b, pos + 4, 4);
      const rdlength = readUint(b, pos + 8, 2);
      const rd = pos + 10;
      if (rd + rdlength > limit) {
        problems.push(problem(layer, 'truncated', rd, limit, `RDATA of ${rdlength} bytes, ${limit - rd} present`, { field: 'dns.resp.len', expected: rdlength, actual: limit - rd, limitedBy }));
        v.undecoded = b.subarray(at, limit);
        break outer;
      }
      const r = decodeRData(type, m, rd, rd + rdlength);
      if (r.malformed) {
        problems.push(problem(layer, 'bad-value', rd, rd + rdlength, `RDATA of type ${DNS_TYPE_NAMES[type] ?? type} does not parse (kept as bytes)`, { field: 'dns.resp.len' }));
      }
      v[section].push({ name: n.name, type, class: cls, ttl, rdlength, data: r.data });
      pos = rd + rdlength;
    }
  }
  if (v.undecoded === undefined && pos < limit) v.extraneous = b.subarray(pos, limit);
  return v;
}

// ------------------------------------------------------------------------------------------------------------

function fit(v: number, bits: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 2 ** bits - 1) throw new EncodeError(field, `${v} does not fit in ${bits} bits`);
  return v;
}

/** The flags word of an input: `flags` (default 0) with each explicitly given bit field written over it. */
export function flagsOf(input: DnsInput): number {
  let f = fit(input.flags ?? 0, 16, 'dns.flags');
  for (const [key, mask, shift] of FLAG_BITS) {
    const x = input[key];
    if (x === undefined) continue;
    const n = typeof x === 'boolean' ? (x ? 1 : 0) : fit(x as number, 32 - Math.clz32(mask >>> shift), `dns.flags.${key}`);
    f = (f & ~mask) | ((n << shift) & mask);
  }
  return f & 0xffff;
}

/** Encode a message (without any TCP length prefix). */
export function encodeMessage(input: DnsInput): Uint8Array {
  if (input.raw) return input.raw.slice();
  const w = new ByteWriter();
  const nw = new NameWriter(w);
  const qs = input.questions ?? [];
  const an = input.answers ?? [];
  const ns = input.authorities ?? [];
  const ar = input.additionals ?? [];
  w.u16(fit(input.id ?? 0, 16, 'dns.id'));
  w.u16(flagsOf(input));
  w.u16(fit(input.qdcount ?? qs.length, 16, 'dns.count.queries'));
  w.u16(fit(input.ancount ?? an.length, 16, 'dns.count.answers'));
  w.u16(fit(input.nscount ?? ns.length, 16, 'dns.count.auth_rr'));
  w.u16(fit(input.arcount ?? ar.length, 16, 'dns.count.add_rr'));
  for (const q of qs) {
    nw.write(toName(q.name, 'dns.qry.name'), true, 'dns.qry.name');
    w.u16(fit(typeCode(q.type ?? 1, 'dns.qry.type'), 16, 'dns.qry.type'));
    w.u16(fit(classCode(q.class ?? 1, 'dns.qry.class'), 16, 'dns.qry.class'));
  }
  for (const list of [an, ns, ar]) for (const r of list) encodeRecord(r, nw);
  if (input.undecoded) w.bytes(input.undecoded);
  if (input.extraneous) w.bytes(input.extraneous);
  return w.result();
}

/**
 * Bytes the message of `input` takes, without any TCP prefix. Compression decides it (a name's size depends on
 * every name before it), so it is computed by encoding.
 */
export function encodingLength(input: DnsInput): number {
  return encodeMessage(input).length;
}

function encodeRecord(r: DnsRecordInput, nw: NameWriter): void {
  const w = nw.w;
  let type: number;
  if (r.type !== undefined) type = typeCode(r.type, 'dns.resp.type');
  else if (r.data.kind !== 'unknown') type = TYPE_BY_KIND[r.data.kind]!;
  else throw new EncodeError('dns.resp.type', 'a record of the unknown kind needs its type');
  nw.write(toName(r.name ?? '', 'dns.resp.name'), true, 'dns.resp.name');
  w.u16(fit(type, 16, 'dns.resp.type'));
  w.u16(fit(classCode(r.class ?? (type === 41 ? 4096 : 1), 'dns.resp.class'), 16, 'dns.resp.class'));
  w.u32(fit(r.ttl ?? 0, 32, 'dns.resp.ttl'));
  const at = w.len;
  w.u16(0);
  encodeRData(r.data, nw);
  const len = w.len - at - 2;
  if (r.rdlength === undefined && len > 0xffff) throw new EncodeError('dns.resp.len', `RDATA of ${len} bytes does not fit in 16 bits`);
  w.set16(at, r.rdlength === undefined ? len : fit(r.rdlength, 16, 'dns.resp.len'));
}

/** The crafting input that re-encodes a decoded message to the same bytes (see Protocol.toInput). */
export function messageInput(v: DnsValue): DnsInput {
  const input: DnsInput = {
    id: v.id,
    response: v.response,
    opcode: v.opcode,
    authoritative: v.authoritative,
    truncated: v.truncated,
    recdesired: v.recdesired,
    recavail: v.recavail,
    z: v.z,
    authenticated: v.authenticated,
    checkdisable: v.checkdisable,
    rcode: v.rcode,
    questions: v.questions.map((q) => ({ ...q })),
    answers: v.answers.map(recordInput),
    authorities: v.authorities.map(recordInput),
    additionals: v.additionals.map(recordInput),
  };
  if (v.qdcount !== v.questions.length) input.qdcount = v.qdcount;
  if (v.ancount !== v.answers.length) input.ancount = v.ancount;
  if (v.nscount !== v.authorities.length) input.nscount = v.nscount;
  if (v.arcount !== v.additionals.length) input.arcount = v.arcount;
  if (v.undecoded) input.undecoded = v.undecoded;
  if (v.extraneous) input.extraneous = v.extraneous;
  return input;
}

function recordInput(r: DnsRecord): DnsRecordInput {
  return { name: r.name, type: r.type, class: r.class, ttl: r.ttl, data: r.data };
}
