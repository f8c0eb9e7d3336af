/**
 * RDATA by type: a discriminated union on `kind`, with an `unknown` case that keeps the bytes (RFC 3597).
 * Decoding never throws: RDATA that does not parse as its type exactly (short, long, bad name) is kept raw.
 */
import { ipv4ToString, ipv6ToString, parseIPv4, parseIPv6 } from '../../core/addr.js';
import { EncodeError } from '../../core/problem.js';
import { readUint } from '../../fields/compile.js';
import type { DnsName, NameInput, NameWriter, ByteWriter } from './names.js';
import { readName, toName } from './names.js';

/** Character-strings and other byte strings: Uint8Array when decoded; text (UTF-8) is accepted when encoding. */
export type Bytes = Uint8Array;
export type BytesInput = Uint8Array | string;

export type SvcParamOf<S> =
  | { kind: 'mandatory'; keys: number[] }
  | { kind: 'alpn'; ids: S[] }
  | { kind: 'no-default-alpn' }
  | { kind: 'port'; port: number }
  | { kind: 'ipv4hint'; addresses: string[] }
  | { kind: 'ech'; config: Uint8Array }
  | { kind: 'ipv6hint'; addresses: string[] }
  | { kind: 'unknown'; key: number; data: Uint8Array };

export type EdnsOptionOf<S> =
  | { kind: 'ecs'; family: number; sourcePrefix: number; scopePrefix: number; address: Uint8Array }
  | { kind: 'cookie'; client: Uint8Array; server?: Uint8Array }
  | { kind: 'padding'; data: Uint8Array }
  | { kind: 'ede'; infoCode: number; extraText: S }
  | { kind: 'keepalive'; timeout?: number }
  | { kind: 'unknown'; code: number; data: Uint8Array };

export type RDataOf<N, S> =
  | { kind: 'a'; address: string }
  | { kind: 'aaaa'; address: string }
  | { kind: 'ns' | 'cname' | 'ptr' | 'dname' | 'md' | 'mf' | 'mb' | 'mg' | 'mr'; target: N }
  | { kind: 'mx'; preference: number; exchange: N }
  | { kind: 'txt' | 'spf'; strings: S[] }
  | { kind: 'soa'; mname: N; rname: N; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'srv'; priority: number; weight: number; port: number; target: N }
  | { kind: 'naptr'; order: number; preference: number; flags: S; services: S; regexp: S; replacement: N }
  | { kind: 'caa'; flags: number; tag: S; value: S }
  | { kind: 'hinfo'; cpu: S; os: S }
  | { kind: 'ds'; keyTag: number; algorithm: number; digestType: number; digest: Uint8Array }
  | { kind: 'dnskey'; flags: number; protocol: number; algorithm: number; publicKey: Uint8Array }
  | {
      kind: 'rrsig';
      typeCovered: number;
      algorithm: number;
      labels: number;
      originalTtl: number;
      expiration: number;
      inception: number;
      keyTag: number;
      signerName: N;
      signature: Uint8Array;
    }
  | { kind: 'nsec'; next: N; types: number[]; bitmap?: Uint8Array }
  | { kind: 'nsec3'; algorithm: number; flags: number; iterations: number; salt: Uint8Array; nextHashed: Uint8Array; types: number[]; bitmap?: Uint8Array }
  | { kind: 'nsec3param'; algorithm: number; flags: number; iterations: number; salt: Uint8Array }
  | { kind: 'tlsa'; usage: number; selector: number; matchingType: number; data: Uint8Array }
  | { kind: 'svcb' | 'https'; priority: number; target: N; params: SvcParamOf<S>[] }
  | { kind: 'opt'; options: EdnsOptionOf<S>[] }
  | { kind: 'null'; data: Uint8Array }
  | { kind: 'unknown'; data: Uint8Array };

/** Decoded RDATA. */
export type RData = RDataOf<DnsName, Bytes>;
/** RDATA as the encoder accepts it (names and strings may be text; `kind` may be left out when the type says it). */
export type RDataInput = RDataOf<NameInput, BytesInput>;
export type SvcParam = SvcParamOf<Bytes>;
export type EdnsOption = EdnsOptionOf<Bytes>;
export type RDataKind = RData['kind'];

/** Type code -> kind of the types decoded here. */
export const KIND_BY_TYPE: Readonly<Record<number, RDataKind>> = {
  1: 'a', 2: 'ns', 3: 'md', 4: 'mf', 5: 'cname', 6: 'soa', 7: 'mb', 8: 'mg', 9: 'mr', 10: 'null', 12: 'ptr', 13: 'hinfo',
  15: 'mx', 16: 'txt', 28: 'aaaa', 33: 'srv', 35: 'naptr', 39: 'dname', 41: 'opt', 43: 'ds', 46: 'rrsig', 47: 'nsec',
  48: 'dnskey', 50: 'nsec3', 51: 'nsec3param', 52: 'tlsa', 64: 'svcb', 65: 'https', 99: 'spf', 257: 'caa',
};
export const TYPE_BY_KIND: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(KIND_BY_TYPE).map(([t, k]) => [k, Number(t)]));

/** RFC 3597 4: the types whose RDATA names may be compressed (the well-known types of RFC 1035). */
export const COMPRESSIBLE: ReadonlySet<RDataKind> = new Set(['ns', 'md', 'mf', 'cname', 'soa', 'mb', 'mg', 'mr', 'ptr', 'mx']);

const SVC_KIND_BY_KEY: Readonly<Record<number, SvcParam['kind']>> = { 0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'ech', 6: 'ipv6hint' };
export const SVC_KEY_BY_KIND: Readonly<Record<string, number>> = { mandatory: 0, alpn: 1, 'no-default-alpn': 2, port: 3, ipv4hint: 4, ech: 5, ipv6hint: 6 };
export const EDNS_CODE_BY_KIND: Readonly<Record<string, number>> = { ecs: 8, cookie: 10, keepalive: 11, padding: 12, ede: 15 };

// ------------------------------------------------------------------------------------------------------------
// decoding

/** Context for reading names inside RDATA: the message bounds (pointers may go anywhere in the message). */
export interface MsgBounds {
  readonly b: Uint8Array;
  readonly base: number;
  readonly limit: number;
}

class Cur {
  constructor(
    readonly b: Uint8Array,
    public p: number,
    readonly end: number,
  ) {}
  has(n: number): boolean {
    return this.p + n <= this.end;
  }
  u8(): number {
    if (!this.has(1)) throw SHORT;
    return this.b[this.p++]!;
  }
  u16(): number {
    if (!this.has(2)) throw SHORT;
    const v = readUint(this.b, this.p, 2);
    this.p += 2;
    return v;
  }
  u32(): number {
    if (!this.has(4)) throw SHORT;
    const v = readUint(this.b, this.p, 4);
    this.p += 4;
    return v;
  }
  take(n: number): Uint8Array {
    if (!this.has(n)) throw SHORT;
    const v = this.b.subarray(this.p, this.p + n);
    this.p += n;
    return v;
  }
  rest(): Uint8Array {
    const v = this.b.subarray(this.p, this.end);
    this.p = this.end;
    return v;
  }
  str(): Uint8Array {
    return this.take(this.u8());
  }
  name(m: MsgBounds): DnsName {
    const r = readName(m.b, m.base, m.limit, this.p, null, 'dns', '');
    if (!r.ok || r.end > this.end) throw SHORT;
    this.p = r.end;
    return r.name;
  }
}

/** Internal signal: the RDATA does not parse as its type (caught in decodeRData; never escapes). */
const SHORT = new Error('short rdata');

/** Canonical type bitmap (RFC 4034 4.1.2) for a list of types. */
export function encodeTypeBitmap(types: readonly number[]): Uint8Array {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const out: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    const win = sorted[i]! >> 8;
    const bits = new Uint8Array(32);
    let max = 0;
    while (i < sorted.length && sorted[i]! >> 8 === win) {
      const low = sorted[i]! & 0xff;
      bits[low >> 3]! |= 0x80 >> (low & 7);
      max = Math.max(max, (low >> 3) + 1);
      i++;
    }
    out.push(win, max);
    for (let j = 0; j < max; j++) out.push(bits[j]!);
  }
  return Uint8Array.from(out);
}

/** Types listed in a bitmap; null when the windows are malformed. */
export function decodeTypeBitmap(b: Uint8Array): number[] | null {
  const types: number[] = [];
  let p = 0;
  while (p < b.length) {
    if (p + 2 > b.length) return null;
    const win = b[p]!;
    const len = b[p + 1]!;
    if (len < 1 || len > 32 || p + 2 + len > b.length) return null;
    for (let j = 0; j < len; j++) {
      const byte = b[p + 2 + j]!;
      for (let k = 0; k < 8; k++) if (byte & (0x80 >> k)) types.push(win * 256 + j * 8 + k);
    }
    p += 2 + len;
  }
  return types;
}

function bitmapField(raw: Uint8Array): { types: number[]; bitmap?: Uint8Array } {
  const types = decodeTypeBitmap(raw);
  if (types === null) throw SHORT;
  const canon = encodeTypeBitmap(types);
  return sameBytes(canon, raw) ? { types } : { types, bitmap: raw };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function decodeSvcParam(key: number, v: Uint8Array): SvcParam {
  const kind = SVC_KIND_BY_KEY[key];
  const unknown: SvcParam = { kind: 'unknown', key, data: v };
  switch (kind) {
    case 'mandatory': {
      if (v.length === 0 || v.length % 2) return unknown;
      const keys: number[] = [];
      for (let i = 0; i < v.length; i += 2) keys.push(readUint(v, i, 2));
      return { kind, keys };
    }
    case 'alpn': {
      const ids: Uint8Array[] = [];
      let i = 0;
      while (i < v.length) {
        const l = v[i]!;
        if (l === 0 || i + 1 + l > v.length) return unknown;
        ids.push(v.subarray(i + 1, i + 1 + l));
        i += 1 + l;
      }
      return ids.length ? { kind, ids } : unknown;
    }
    case 'no-default-alpn':
      return v.length === 0 ? { kind } : unknown;
    case 'port':
      return v.length === 2 ? { kind, port: readUint(v, 0, 2) } : unknown;
    case 'ipv4hint': {
      if (v.length === 0 || v.length % 4) return unknown;
      const addresses: string[] = [];
      for (let i = 0; i < v.length; i += 4) addresses.push(ipv4ToString(v, i));
      return { kind, addresses };
    }
    case 'ech':
      return { kind, config: v };
    case 'ipv6hint': {
      if (v.length === 0 || v.length % 16) return unknown;
      const addresses: string[] = [];
      for (let i = 0; i < v.length; i += 16) addresses.push(ipv6ToString(v, i));
      return { kind, addresses };
    }
    default:
      return unknown;
  }
}

function decodeEdnsOption(code: number, v: Uint8Array): EdnsOption {
  const unknown: EdnsOption = { kind: 'unknown', code, data: v };
  switch (code) {
    case 8: {
      if (v.length < 4) return unknown;
      const family = readUint(v, 0, 2);
      const sourcePrefix = v[2]!;
      const address = v.subarray(4);
      return { kind: 'ecs', family, sourcePrefix, scopePrefix: v[3]!, address };
    }
    case 10:
      if (v.length === 8) return { kind: 'cookie', client: v };
      if (v.length > 8) return { kind: 'cookie', client: v.subarray(0, 8), server: v.subarray(8) };
      return unknown;
    case 11:
      if (v.length === 0) return { kind: 'keepalive' };
      if (v.length === 2) return { kind: 'keepalive', timeout: readUint(v, 0, 2) };
      return unknown;
    case 12:
      return { kind: 'padding', data: v };
    case 15:
      if (v.length < 2) return unknown;
      return { kind: 'ede', infoCode: readUint(v, 0, 2), extraText: v.subarray(2) };
    default:
      return unknown;
  }
}

/**
 * Decode the RDATA of `type` at [start, end) of a message. Returns the `unknown` kind (raw bytes) when the bytes
 * do not parse exactly as that type, with `malformed` set.
 */
export function decodeRData(type: number, m: MsgBounds, start: number, end: number): { data: RData; malformed: boolean } {
  const kind = KIND_BY_TYPE[type];
  const c = new Cur(m.b, start, end);
  const raw = (): { data: RData; malformed: boolean } => ({ data: { kind: 'unknown', data: m.b.subarray(start, end) }, malformed: kind !== undefined });
  if (kind === undefined) return raw();
  try {
    let d: RData;
    switch (kind) {
      case 'a':
        d = { kind, address: ipv4ToString(c.take(4)) };
        break;
      case 'aaaa':
        d = { kind, address: ipv6ToString(c.take(16)) };
        break;
      case 'ns':
      case 'cname':
      case 'ptr':
      case 'dname':
      case 'md':
      case 'mf':
      case 'mb':
      case 'mg':
      case 'mr':
        d = { kind, target: c.name(m) };
        break;
      case 'mx': {
        const preference = c.u16();
        d = { kind, preference, exchange: c.name(m) };
        break;
      }
      case 'txt':
      case 'spf': {
        const strings: Uint8Array[] = [];
        while (c.p < end) strings.push(c.str());
        if (strings.length === 0) throw SHORT;
        d = { kind, strings };
        break;
      }
      case 'soa': {
        const mname = c.name(m);
        const rname = c.name(m);
        d = { kind, mname, rname, serial: c.u32(), refresh: c.u32(), retry: c.u32(), expire: c.u32(), minimum: c.u32() };
        break;
      }
      case 'srv': {
        const priority = c.u16();
        const weight = c.u16();
        const port = c.u16();
        d = { kind, priority, weight, port, target: c.name(m) };
        break;
      }
      case 'naptr': {
        const order = c.u16();
        const preference = c.u16();
        const flags = c.str();
        const services = c.str();
        const regexp = c.str();
        d = { kind, order, preference, flags, services, regexp, replacement: c.name(m) };
        break;
      }
      case 'caa': {
        const flags = c.u8();
        const tag = c.str();
        if (tag.length === 0) throw SHORT;
        d = { kind, flags, tag, value: c.rest() };
        break;
      }
      case 'hinfo': {
        const cpu = c.str();
        d = { kind, cpu, os: c.str() };
        break;
      }
      case 'ds': {
        const keyTag = c.u16();
        const algorithm = c.u8();
        d = { kind, keyTag, algorithm, digestType: c.u8(), digest: c.rest() };
        break;
      }
      case 'dnskey': {
        const flags = c.u16();
        const protocol = c.u8();
        d = { kind, flags, protocol, algorithm: c.u8(), publicKey: c.rest() };
        break;
      }
      case 'rrsig': {
        const typeCovered = c.u16();
        const algorithm = c.u8();
        const labels = c.u8();
        const originalTtl = c.u32();
        const expiration = c.u32();
        const inception = c.u32();
        const keyTag = c.u16();
        const signerName = c.name(m);
        d = { kind, typeCovered, algorithm, labels, originalTtl, expiration, inception, keyTag, signerName, signature: c.rest() };
        break;
      }
      case 'nsec': {
        const next = c.name(m);
        d = { kind, next, ...bitmapField(c.rest()) };
        break;
      }
      case 'nsec3': {
        const algorithm = c.u8();
        const flags = c.u8();
        const iterations = c.u16();
        const salt = c.str();
        const nextHashed = c.str();
        d = { kind, algorithm, flags, iterations, salt, nextHashed, ...bitmapField(c.rest()) };
        break;
      }
      case 'nsec3param': {
        const algorithm = c.u8();
        const flags = c.u8();
        const iterations = c.u16();
        d = { kind, algorithm, flags, iterations, salt: c.str() };
        break;
      }
      case 'tlsa': {
        const usage = c.u8();
        const selector = c.u8();
        d = { kind, usage, selector, matchingType: c.u8(), data: c.rest() };
        break;
      }
      case 'svcb':
      case 'https': {
        const priority = c.u16();
        const target = c.name(m);
        const params: SvcParam[] = [];
        while (c.p < end) {
          const key = c.u16();
          const len = c.u16();
          params.push(decodeSvcParam(key, c.take(len)));
        }
        d = { kind, priority, target, params };
        break;
      }
      case 'opt': {
        const options: EdnsOption[] = [];
        while (c.p < end) {
          const code = c.u16();
          const len = c.u16();
          options.push(decodeEdnsOption(code, c.take(len)));
        }
        d = { kind, options };
        break;
      }
      case 'null':
        d = { kind, data: c.rest() };
        break;
      default:
        return raw();
    }
    if (c.p !== end) return raw();
    return { data: d, malformed: false };
  } catch (e) {
    if (e !== SHORT) throw e;
    return raw();
  }
}

// ------------------------------------------------------------------------------------------------------------
// encoding

const enc = new TextEncoder();
export function toBytes(s: BytesInput): Uint8Array {
  return typeof s === 'string' ? enc.encode(s) : s;
}

function charString(w: ByteWriter, s: BytesInput, field: string): void {
  const b = toBytes(s);
  if (b.length > 255) throw new EncodeError(field, `character-string of ${b.length} bytes does not fit (max 255)`);
  w.u8(b.length);
  w.bytes(b);
}

function u8(w: ByteWriter, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new EncodeError(field, `${v} does not fit in 8 bits`);
  w.u8(v);
}
function u16(w: ByteWriter, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError(field, `${v} does not fit in 16 bits`);
  w.u16(v);
}
function u32(w: ByteWriter, v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(field, `${v} does not fit in 32 bits`);
  w.u32(v);
}
function addr(w: ByteWriter, text: string, v6: boolean, field: string): void {
  const b = v6 ? parseIPv6(text) : parseIPv4(text);
  if (!b) throw new EncodeError(field, `not a valid ${v6 ? 'IPv6' : 'IPv4'} address: ${text}`);
  w.bytes(b);
}

function encodeSvcParamValue(p: SvcParamOf<BytesInput>, w: ByteWriter): void {
  switch (p.kind) {
    case 'mandatory':
      for (const k of p.keys) u16(w, k, 'dns.svcb.svcparam.mandatory.key');
      return;
    case 'alpn':
      for (const id of p.ids) charString(w, id, 'dns.svcb.svcparam.alpn');
      return;
    case 'no-default-alpn':
      return;
    case 'port':
      u16(w, p.port, 'dns.svcb.svcparam.port');
      return;
    case 'ipv4hint':
      for (const a of p.addresses) addr(w, a, false, 'dns.svcb.svcparam.ipv4hint.ip');
      return;
    case 'ech':
      w.bytes(p.config);
      return;
    case 'ipv6hint':
      for (const a of p.addresses) addr(w, a, true, 'dns.svcb.svcparam.ipv6hint.ip');
      return;
    case 'unknown':
      w.bytes(p.data);
      return;
  }
}

function encodeEdnsOptionValue(o: EdnsOptionOf<BytesInput>, w: ByteWriter): void {
  switch (o.kind) {
    case 'ecs':
      u16(w, o.family, 'dns.opt.client.family');
      u8(w, o.sourcePrefix, 'dns.opt.client.netmask');
      u8(w, o.scopePrefix, 'dns.opt.client.scope');
      w.bytes(o.address);
      return;
    case 'cookie':
      w.bytes(o.client);
      if (o.server) w.bytes(o.server);
      return;
    case 'padding':
      w.bytes(o.data);
      return;
    case 'ede':
      u16(w, o.infoCode, 'dns.opt.ext_error.info_code');
      w.bytes(toBytes(o.extraText));
      return;
    case 'keepalive':
      if (o.timeout !== undefined) u16(w, o.timeout, 'dns.opt.edns_tcp_keepalive.timeout');
      return;
    case 'unknown':
      w.bytes(o.data);
      return;
  }
}

/** A length-prefixed (16-bit) value: writes key/code, a length placeholder, the value, then the length. */
function tlv(w: ByteWriter, key: number, field: string, body: () => void): void {
  u16(w, key, field);
  const at = w.len;
  w.u16(0);
  body();
  const len = w.len - at - 2;
  if (len > 0xffff) throw new EncodeError(field, `value of ${len} bytes does not fit in 16 bits`);
  w.set16(at, len);
}

/** Write RDATA (without RDLENGTH). Names go through the writer's compression where the type allows it. */
export function encodeRData(d: RDataInput, nw: NameWriter): void {
  const w = nw.w;
  const cz = COMPRESSIBLE.has(d.kind);
  const name = (n: NameInput, field: string, compress = cz): void => nw.write(toName(n, field), compress, field);
  switch (d.kind) {
    case 'a':
      return addr(w, d.address, false, 'dns.a');
    case 'aaaa':
      return addr(w, d.address, true, 'dns.aaaa');
    case 'ns':
    case 'cname':
    case 'ptr':
    case 'dname':
    case 'md':
    case 'mf':
    case 'mb':
    case 'mg':
    case 'mr':
      return name(d.target, d.kind === 'ptr' ? 'dns.ptr.domain_name' : `dns.${d.kind}`);
    case 'mx':
      u16(w, d.preference, 'dns.mx.preference');
      return name(d.exchange, 'dns.mx.mail_exchange');
    case 'txt':
    case 'spf':
      for (const s of d.strings) charString(w, s, `dns.${d.kind}`);
      return;
    case 'soa':
      name(d.mname, 'dns.soa.mname');
      name(d.rname, 'dns.soa.rname');
      u32(w, d.serial, 'dns.soa.serial_number');
      u32(w, d.refresh, 'dns.soa.refresh_interval');
      u32(w, d.retry, 'dns.soa.retry_interval');
      u32(w, d.expire, 'dns.soa.expire_limit');
      u32(w, d.minimum, 'dns.soa.minimum_ttl');
      return;
    case 'srv':
      u16(w, d.priority, 'dns.srv.priority');
      u16(w, d.weight, 'dns.srv.weight');
      u16(w, d.port, 'dns.srv.port');
      return name(d.target, 'dns.srv.target', false);
    case 'naptr':
      u16(w, d.order, 'dns.naptr.order');
      u16(w, d.preference, 'dns.naptr.preference');
      charString(w, d.flags, 'dns.naptr.flags');
      charString(w, d.services, 'dns.naptr.service');
      charString(w, d.regexp, 'dns.naptr.regex');
      return name(d.replacement, 'dns.naptr.replacement', false);
    case 'caa':
      u8(w, d.flags, 'dns.caa.flags');
      charString(w, d.tag, 'dns.caa.tag');
      w.bytes(toBytes(d.value));
      return;
    case 'hinfo':
      charString(w, d.cpu, 'dns.hinfo.cpu');
      charString(w, d.os, 'dns.hinfo.os');
      return;
    case 'ds':
      u16(w, d.keyTag, 'dns.ds.key_id');
      u8(w, d.algorithm, 'dns.ds.algorithm');
      u8(w, d.digestType, 'dns.ds.digest_type');
      w.bytes(d.digest);
      return;
    case 'dnskey':
      u16(w, d.flags, 'dns.dnskey.flags');
      u8(w, d.protocol, 'dns.dnskey.protocol');
      u8(w, d.algorithm, 'dns.dnskey.algorithm');
      w.bytes(d.publicKey);
      return;
    case 'rrsig':
      u16(w, d.typeCovered, 'dns.rrsig.type_covered');
      u8(w, d.algorithm, 'dns.rrsig.algorithm');
      u8(w, d.labels, 'dns.rrsig.labels');
      u32(w, d.originalTtl, 'dns.rrsig.original_ttl');
      u32(w, d.expiration, 'dns.rrsig.signature_expiration');
      u32(w, d.inception, 'dns.rrsig.signature_inception');
      u16(w, d.keyTag, 'dns.rrsig.key_tag');
      name(d.signerName, 'dns.rrsig.signers_name', false);
      w.bytes(d.signature);
      return;
    case 'nsec':
      name(d.next, 'dns.nsec.next_domain_name', false);
      w.bytes(d.bitmap ?? encodeTypeBitmap(d.types));
      return;
    case 'nsec3':
      u8(w, d.algorithm, 'dns.nsec3.algo');
      u8(w, d.flags, 'dns.nsec3.flags');
      u16(w, d.iterations, 'dns.nsec3.iterations');
      charString(w, d.salt, 'dns.nsec3.salt_value');
      charString(w, d.nextHashed, 'dns.nsec3.hash_value');
      w.bytes(d.bitmap ?? encodeTypeBitmap(d.types));
      return;
    case 'nsec3param':
      u8(w, d.algorithm, 'dns.nsec3.algo');
      u8(w, d.flags, 'dns.nsec3.flags');
      u16(w, d.iterations, 'dns.nsec3.iterations');
      charString(w, d.salt, 'dns.nsec3.salt_value');
      return;
    case 'tlsa':
      u8(w, d.usage, 'dns.tlsa.certificate_usage');
      u8(w, d.selector, 'dns.tlsa.selector');
      u8(w, d.matchingType, 'dns.tlsa.matching_type');
      w.bytes(d.data);
      return;
    case 'svcb':
    case 'https':
      u16(w, d.priority, 'dns.svcb.svcpriority');
      name(d.target, 'dns.svcb.targetname', false);
      for (const p of d.params) {
        const key = p.kind === 'unknown' ? p.key : SVC_KEY_BY_KIND[p.kind]!;
        tlv(w, key, 'dns.svcb.svcparam.key', () => encodeSvcParamValue(p, w));
      }
      return;
    case 'opt':
      for (const o of d.options) {
        const code = o.kind === 'unknown' ? o.code : EDNS_CODE_BY_KIND[o.kind]!;
        tlv(w, code, 'dns.opt.code', () => encodeEdnsOptionValue(o, w));
      }
      return;
    case 'null':
    case 'unknown':
      w.bytes(d.data);
      return;
  }
}
