/** The DNS field tree (as `tshark -V` shows it) and the Info column text, built on demand from a decoded layer. */
import { ipv4ToString, ipv6ToString } from '../../core/addr.js';
import { utcTimeText } from '../../core/time.js';
import { readUint } from '../../fields/compile.js';
import { escapeText } from '../../fields/format.js';
import type { FieldDef, FieldNode, FieldValue } from '../../fields/types.js';
import { HEADER_LEN } from './message.js';
import type { DnsQuestion, DnsRecord, DnsValue } from './message.js';
import { nameText, readName } from './names.js';
import type { DnsName } from './names.js';
import type { EdnsOption, RData, SvcParam } from './rdata.js';
import { DNS_CLASSES, DNS_OPCODES, DNS_RCODES, DNS_TYPE_NAMES, DNSSEC_ALGORITHMS, DS_DIGESTS, NSEC3_ALGORITHMS, dnsTable } from './table.js';

const F = dnsTable.fields;
const PROTO = dnsTable.proto;

/** Which protocol the message was carried as: the class-field top bit and some flags mean other things in mDNS/LLMNR. */
export type DnsVariant = 'dns' | 'mdns' | 'llmnr';

const utf8 = new TextDecoder('utf-8');
const text = (b: Uint8Array): string => utf8.decode(b);

/** A name as tshark shows it in labels and the Info column (control bytes escaped). */
function shown(n: DnsName): string {
  return escapeText(nameText(n));
}

/** `Unknown (14)` where Wireshark's value_string has no entry. */
function numText(def: FieldDef, v: number): string | undefined {
  if (!def.strings || def.strings[v] !== undefined) return undefined;
  const n = def.base === 'HEX' ? '0x' + v.toString(16).padStart(4, '0') : String(v);
  return `${def.name}: Unknown (${n})`;
}

function node(def: FieldDef, start: number, len: number, value: FieldValue, extra?: Partial<FieldNode>): FieldNode {
  const n: FieldNode = { def, start, len, value, ...extra };
  if (extra?.text === undefined && typeof value === 'number') {
    const t = numText(def, value);
    if (t !== undefined) return { ...n, text: t };
  }
  return n;
}

export function typeName(t: number): string {
  return DNS_TYPE_NAMES[t] ?? `Unknown (${t})`;
}
export function className(c: number): string {
  return DNS_CLASSES[c] ?? 'Unknown';
}
export function opcodeName(o: number): string {
  return DNS_OPCODES[o] ?? `Unknown operation (${o})`;
}
export function rcodeName(r: number): string {
  return DNS_RCODES[r] ?? `Unknown error (${r})`;
}

/** Wireshark's time_secs_to_str: `1 day, 2 hours, 3 minutes, 4 seconds`, units that are 0 left out. */
export function secondsText(s: number): string {
  if (s === 0) return '0 seconds';
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const add = (n: number, u: string) => {
    if (n) parts.push(`${n} ${u}${n === 1 ? '' : 's'}`);
  };
  add(d, 'day');
  add(h, 'hour');
  add(m, 'minute');
  add(sec, 'second');
  return parts.join(', ');
}

/** `Dec  8, 2020 01:06:15.000000000 UTC`: how tshark prints an absolute time in UTC. */
export const absTimeText = utcTimeText;

/** RFC 4034 appendix B key tag of DNSKEY RDATA. */
export function keyTag(rdata: Uint8Array): number {
  if (rdata.length >= 4 && rdata[3] === 1) return rdata.length >= 4 ? readUint(rdata, Math.max(0, rdata.length - 3), 2) : 0;
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

const B32HEX = '0123456789abcdefghijklmnopqrstuv';
export function base32hex(b: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      out += B32HEX[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32HEX[(acc << (5 - bits)) & 31];
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export function base64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < b.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < b.length ? B64[n & 63]! : '=';
  }
  return out;
}

function flagsLabel(v: DnsValue): string {
  let s = `Flags: 0x${v.flags.toString(16).padStart(4, '0')} ${DNS_OPCODES[v.opcode] ?? 'Unknown operation'}`;
  if (v.response) s += ` response, ${DNS_RCODES[v.rcode] ?? 'Unknown error'}`;
  return s;
}

function flagNodes(v: DnsValue, at: number, variant: DnsVariant): FieldNode[] {
  const bit = (def: FieldDef, value: FieldValue): FieldNode => ({ def, start: at, len: 2, value, bitmask: def.bitmask! });
  const out: FieldNode[] = [bit(F.response, v.response), bit(F.opcode, v.opcode)];
  if (variant === 'llmnr') {
    out.push(bit(v.response ? F.conflict_response : F.conflict_query, v.authoritative));
    out.push(bit(F.truncated, v.truncated));
    out.push(bit(F.tentative, v.recdesired));
    if (v.response) out.push(bit(F.rcode, v.rcode));
    return out.map(fixNum);
  }
  if (v.response) out.push(bit(F.authoritative, v.authoritative));
  out.push(bit(F.truncated, v.truncated), bit(F.recdesired, v.recdesired));
  if (v.response) out.push(bit(F.recavail, v.recavail));
  out.push(bit(F.z, v.z));
  if (v.response) out.push(bit(F.authenticated, v.authenticated));
  else if (v.authenticated) out.push(bit(F.ad_bit, true));
  out.push(bit(F.checkdisable, v.checkdisable));
  if (v.response) out.push(bit(F.rcode, v.rcode));
  return out.map(fixNum);
}

function fixNum(n: FieldNode): FieldNode {
  if (typeof n.value === 'number') {
    const t = numText(n.def, n.value);
    if (t !== undefined) return { ...n, text: t };
  }
  return n;
}

/** Walks the message bytes again to give every node its position. */
class Walker {
  constructor(
    readonly b: Uint8Array,
    readonly base: number,
    readonly limit: number,
  ) {}
  /** Name at `p`: its node span (bytes at that position) and text. */
  name(p: number): { end: number; text: string; labels: number } {
    const r = readName(this.b, this.base, this.limit, p, null, 'dns', '');
    return { end: r.end, text: r.text, labels: r.name.labels.length };
  }
}

function nameNode(w: Walker, def: FieldDef, p: number): [FieldNode, number, string] {
  const r = w.name(p);
  return [{ def, start: p, len: r.end - p, value: r.text }, r.end, r.text];
}

/**
 * tshark's [Name Length] and [Label Count]: the length of the name as text in bytes (the root is `<Root>`, 6) and
 * the dots in it plus one; a one-byte name counts 0 and 0 (as TShark 4.0 prints it).
 */
export function nameLengthAndLabels(n: DnsName): [number, number] {
  let len: number;
  if (n.bad !== undefined || n.labels.length === 0) len = nameText(n).length;
  else len = n.labels.reduce((a, l) => a + l.length, 0) + n.labels.length - 1;
  if (len === 1) return [0, 0];
  let dots = 0;
  if (n.bad === undefined) for (const l of n.labels) for (const c of l) if (c === 0x2e) dots++;
  return [len, (n.bad === undefined ? Math.max(0, n.labels.length - 1) + dots : 0) + 1];
}

function questionNode(w: Walker, q: DnsQuestion, p: number, variant: DnsVariant): [FieldNode, number] {
  const [nn, e] = nameNode(w, F.qry_name, p);
  const [nlen, nlab] = nameLengthAndLabels(q.name);
  const kids: FieldNode[] = [
    nn,
    { def: F.qry_name_len, start: p, len: e - p, value: nlen, generated: true, text: `[Name Length: ${nlen}]` },
    { def: F.count_labels, start: p, len: e - p, value: nlab, generated: true, text: `[Label Count: ${nlab}]` },
    node(F.qry_type, e, 2, q.type),
  ];
  let label = `${shown(q.name)}: type ${typeName(q.type)}, class ${className(variant === 'mdns' ? q.class & 0x7fff : q.class)}`;
  if (variant === 'mdns') {
    kids.push(fixNum({ def: F.qry_class_mdns, start: e + 2, len: 2, value: q.class & 0x7fff, bitmask: 0x7fff }));
    kids.push({ def: F.qry_qu, start: e + 2, len: 2, value: (q.class & 0x8000) !== 0, bitmask: 0x8000 });
    label += (q.class & 0x8000) !== 0 ? ', "QU" question' : ', "QM" question';
  } else kids.push(node(F.qry_class, e + 2, 2, q.class));
  return [{ def: PROTO, start: p, len: e + 4 - p, value: null, text: label, children: kids }, e + 4];
}

const NAME_DEFS: Partial<Record<RData['kind'], FieldDef>> = {
  ns: F.ns,
  cname: F.cname,
  ptr: F.ptr,
  dname: F.dname,
  md: F.md,
  mf: F.mf,
  mb: F.mb,
  mg: F.mg,
  mr: F.mr,
};

/** The extra text of a record's line (`, addr 1.2.3.4`) and its Info column part (`A 1.2.3.4`). */
function recordTexts(r: DnsRecord, variant: DnsVariant): [string, string] {
  const d = r.data;
  let t = typeName(r.type);
  if (variant === 'mdns' && r.type !== 41 && r.class & 0x8000) t += ', cache flush';
  const str = (b: Uint8Array) => escapeText(text(b));
  switch (d.kind) {
    case 'a':
    case 'aaaa':
      return [`, addr ${d.address}`, `${t} ${d.address}`];
    case 'ns':
    case 'cname':
    case 'dname':
      return [`, ${d.kind} ${shown(d.target)}`, `${t} ${shown(d.target)}`];
    case 'ptr':
      return [`, ${shown(d.target)}`, `${t} ${shown(d.target)}`];
    case 'soa':
      return [`, mname ${shown(d.mname)}`, `${t} ${shown(d.mname)}`];
    case 'mx':
      return [`, preference ${d.preference}, mx ${shown(d.exchange)}`, `${t} ${d.preference} ${shown(d.exchange)}`];
    case 'srv':
      return [
        `, priority ${d.priority}, weight ${d.weight}, port ${d.port}, target ${shown(d.target)}`,
        `${t} ${d.priority} ${d.weight} ${d.port} ${shown(d.target)}`,
      ];
    case 'naptr':
      return [`, order ${d.order}, preference ${d.preference}, flags ${str(d.flags)}`, `${t} ${d.order} ${d.preference} ${str(d.flags)}`];
    case 'hinfo':
      return [`, CPU ${str(d.cpu)}, OS ${str(d.os)}`, `${t} ${str(d.cpu)} ${str(d.os)}`];
    case 'nsec':
      return [`, next domain name ${shown(d.next)}`, `${t} ${shown(d.next)}`];
    // TShark 4.0 puts the owner name in the Info column for these
    case 'tlsa':
    case 'null':
    case 'md':
    case 'mf':
    case 'mb':
    case 'mg':
    case 'mr':
    case 'nsec3param':
      return ['', `${t} ${shown(r.name)}`];
    default:
      return ['', t];
  }
}

function ttlNode(def: FieldDef, p: number, v: number): FieldNode {
  return { def, start: p, len: 4, value: v, text: `${def.name}: ${v} (${secondsText(v)})` };
}

function bitmapNodes(b: Uint8Array, p: number, end: number): FieldNode[] {
  const out: FieldNode[] = [];
  while (p + 2 <= end) {
    const win = b[p]!;
    const len = b[p + 1]!;
    for (let j = 0; j < len && p + 2 + j < end; j++) {
      const byte = b[p + 2 + j]!;
      for (let k = 0; k < 8; k++) {
        if (!(byte & (0x80 >> k))) continue;
        const t = win * 256 + j * 8 + k;
        const desc = F.resp_type.strings![t] ?? `Unknown (${t})`;
        out.push({ def: F.resp_type, start: p + 2 + j, len: 1, value: t, text: `RR type in bit map: ${desc}` });
      }
    }
    p += 2 + len;
  }
  return out;
}

function svcParamNode(b: Uint8Array, p: number, sp: SvcParam): [FieldNode, number] {
  const key = readUint(b, p, 2);
  const len = readUint(b, p + 2, 2);
  const v = p + 4;
  const keyName = F.svcb_param_key.strings![key] ?? `key${key}`;
  const kids: FieldNode[] = [node(F.svcb_param_key, p, 2, key), node(F.svcb_param_length, p + 2, 2, len)];
  let shown = '';
  switch (sp.kind) {
    case 'mandatory':
      sp.keys.forEach((k, i) => kids.push(node(F.svcb_mandatory, v + 2 * i, 2, k)));
      shown = '=' + sp.keys.map((k) => F.svcb_param_key.strings![k] ?? `key${k}`).join(',');
      break;
    case 'alpn': {
      let q = v;
      for (const id of sp.ids) {
        kids.push(node(F.svcb_alpn_length, q, 1, id.length), node(F.svcb_alpn, q + 1, id.length, text(id)));
        q += 1 + id.length;
      }
      shown = '=' + sp.ids.map(text).join(',');
      break;
    }
    case 'port':
      kids.push(node(F.svcb_port, v, 2, sp.port));
      shown = `=${sp.port}`;
      break;
    case 'ipv4hint':
      sp.addresses.forEach((a, i) => kids.push(node(F.svcb_ipv4hint, v + 4 * i, 4, a)));
      shown = '=' + sp.addresses.join(',');
      break;
    case 'ipv6hint':
      sp.addresses.forEach((a, i) => kids.push(node(F.svcb_ipv6hint, v + 16 * i, 16, a)));
      shown = '=' + sp.addresses.join(',');
      break;
    case 'ech':
      kids.push(node(F.svcb_ech, v, len, sp.config, { text: `ECHConfig: ${base64(sp.config)}` }));
      shown = '=' + base64(sp.config);
      break;
    case 'no-default-alpn':
      break;
    case 'unknown':
      if (len) {
        kids.push(node(F.svcb_param_value, v, len, sp.data));
        shown = '=' + escapeText(text(sp.data));
      }
      break;
  }
  return [{ def: F.svcb_param, start: p, len: 4 + len, value: null, text: `SvcParam: ${keyName}${shown}`, children: kids }, v + len];
}

function ednsOptionNode(b: Uint8Array, p: number, o: EdnsOption): [FieldNode, number] {
  const code = readUint(b, p, 2);
  const len = readUint(b, p + 2, 2);
  const v = p + 4;
  const data = b.subarray(v, v + len);
  const codeName = F.opt_code.strings![code] ?? `Unknown (${code})`;
  const kids: FieldNode[] = [node(F.opt_code, p, 2, code), node(F.opt_len, p + 2, 2, len), node(F.opt_data, v, len, data)];
  switch (o.kind) {
    case 'ecs': {
      kids.push(node(F.opt_client_family, v, 2, o.family), node(F.opt_client_netmask, v + 2, 1, o.sourcePrefix), node(F.opt_client_scope, v + 3, 1, o.scopePrefix));
      const a = o.address;
      if (o.family === 1 && a.length <= 4) {
        const full = new Uint8Array(4);
        full.set(a);
        kids.push(node(F.opt_client_addr4, v + 4, a.length, ipv4ToString(full)));
      } else if (o.family === 2 && a.length <= 16) {
        const full = new Uint8Array(16);
        full.set(a);
        kids.push(node(F.opt_client_addr6, v + 4, a.length, ipv6ToString(full)));
      } else kids.push(node(F.opt_client_addr, v + 4, a.length, a));
      break;
    }
    case 'cookie':
      kids.push(node(F.opt_cookie_client, v, 8, o.client), node(F.opt_cookie_server, v + 8, o.server?.length ?? 0, o.server ?? new Uint8Array(0)));
      break;
    case 'padding':
      kids.push(node(F.opt_padding, v, len, o.data));
      break;
    case 'keepalive':
      if (o.timeout !== undefined) kids.push(node(F.opt_keepalive, v, 2, o.timeout));
      break;
    case 'ede': {
      const c = o.infoCode;
      const range = c >= 49152 ? 'Reserved for Private Use' : c >= 30 && !F.opt_ede_code.strings![c] ? 'Unassigned' : undefined;
      kids.push(node(F.opt_ede_code, v, 2, c, range ? { text: `Info Code: ${range} (${c})` } : undefined));
      if (len > 2) kids.push(node(F.opt_ede_text, v + 2, len - 2, text(o.extraText)));
      break;
    }
    case 'unknown': {
      // shown in detail by tshark, kept raw here
      const list = code === 5 ? [F.opt_dau, DNSSEC_ALGORITHMS] : code === 6 ? [F.opt_dhu, DS_DIGESTS] : code === 7 ? [F.opt_n3u, NSEC3_ALGORITHMS] : null;
      if (list) {
        const [def] = list as [FieldDef, unknown];
        for (let i = 0; i < len; i++) kids.push(node(def, v + i, 1, data[i]!));
      } else if (code === 13) {
        const nul = data.indexOf(0);
        kids.push(node(F.opt_chain_fqdn, v, len, String.fromCharCode(...(nul < 0 ? data : data.subarray(0, nul)))));
      }
      break;
    }
  }
  return [{ def: F.opt, start: p, len: 4 + len, value: null, text: `Option: ${codeName}`, children: kids }, v + len];
}

function rdataNodes(w: Walker, r: DnsRecord, p: number, end: number): FieldNode[] {
  const b = w.b;
  const d = r.data;
  const out: FieldNode[] = [];
  const name = (def: FieldDef): void => {
    const [n, e] = nameNode(w, def, p);
    out.push(n);
    p = e;
  };
  const num = (def: FieldDef, len: number, v: number): void => {
    out.push(node(def, p, len, v));
    p += len;
  };
  switch (d.kind) {
    case 'a':
      out.push(node(F.a, p, 4, d.address));
      break;
    case 'aaaa':
      out.push(node(F.aaaa, p, 16, d.address));
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
      name(NAME_DEFS[d.kind]!);
      break;
    case 'mx':
      num(F.mx_preference, 2, d.preference);
      name(F.mx_exchange);
      break;
    case 'txt':
    case 'spf':
      for (const s of d.strings) {
        out.push(node(d.kind === 'txt' ? F.txt_length : F.spf_length, p, 1, s.length));
        const nul = s.indexOf(0);
        out.push(node(d.kind === 'txt' ? F.txt : F.spf, p + 1, s.length, text(nul < 0 ? s : s.subarray(0, nul))));
        p += 1 + s.length;
      }
      break;
    case 'soa':
      name(F.soa_mname);
      name(F.soa_rname);
      num(F.soa_serial, 4, d.serial);
      for (const [def, v] of [
        [F.soa_refresh, d.refresh],
        [F.soa_retry, d.retry],
        [F.soa_expire, d.expire],
        [F.soa_minimum, d.minimum],
      ] as const) {
        out.push(ttlNode(def, p, v));
        p += 4;
      }
      break;
    case 'srv':
      num(F.srv_priority, 2, d.priority);
      num(F.srv_weight, 2, d.weight);
      num(F.srv_port, 2, d.port);
      name(F.srv_target);
      break;
    case 'naptr': {
      num(F.naptr_order, 2, d.order);
      num(F.naptr_preference, 2, d.preference);
      for (const [ld, sd, s] of [
        [F.naptr_flags_length, F.naptr_flags, d.flags],
        [F.naptr_service_length, F.naptr_service, d.services],
        [F.naptr_regex_length, F.naptr_regex, d.regexp],
      ] as const) {
        out.push(node(ld, p, 1, s.length), node(sd, p + 1, s.length, text(s)));
        p += 1 + s.length;
      }
      const r2 = w.name(p);
      out.push({ def: F.naptr_replacement_length, start: p, len: 0, value: r2.text.length, generated: true, text: `[Replacement Length: ${r2.text.length}]` });
      name(F.naptr_replacement);
      break;
    }
    case 'caa': {
      out.push(node(F.caa_flags, p, 1, d.flags, { children: [{ def: F.caa_critical, start: p, len: 1, value: (d.flags & 0x80) !== 0, bitmask: 0x80 }] }));
      const tag = text(d.tag);
      const vdef = tag === 'issue' ? F.caa_issue : tag === 'issuewild' ? F.caa_issuewild : tag === 'iodef' ? F.caa_iodef : F.caa_unknown;
      const value = text(d.value);
      out.push(
        node(vdef, p + 1, 1 + d.tag.length + d.value.length, `${value}`, {
          children: [node(F.caa_tag_length, p + 1, 1, d.tag.length), node(F.caa_tag, p + 2, d.tag.length, tag), node(F.caa_value, p + 2 + d.tag.length, d.value.length, value)],
        }),
      );
      break;
    }
    case 'hinfo':
      out.push(node(F.hinfo_cpu_length, p, 1, d.cpu.length), node(F.hinfo_cpu, p + 1, d.cpu.length, text(d.cpu)));
      p += 1 + d.cpu.length;
      out.push(node(F.hinfo_os_length, p, 1, d.os.length), node(F.hinfo_os, p + 1, d.os.length, text(d.os)));
      break;
    case 'ds':
      num(F.ds_key_id, 2, d.keyTag);
      num(F.ds_algorithm, 1, d.algorithm);
      num(F.ds_digest_type, 1, d.digestType);
      out.push(node(F.ds_digest, p, end - p, d.digest));
      break;
    case 'dnskey': {
      const bits = (def: FieldDef, v: FieldValue): FieldNode => ({ def, start: p, len: 2, value: v, bitmask: def.bitmask! });
      out.push(
        node(F.dnskey_flags, p, 2, d.flags, {
          children: [bits(F.dnskey_zone_key, (d.flags & 0x100) !== 0), bits(F.dnskey_revoked, (d.flags & 0x80) !== 0), bits(F.dnskey_sep, (d.flags & 1) !== 0), bits(F.dnskey_reserved, d.flags & 0xfe7e)],
        }),
      );
      p += 2;
      num(F.dnskey_protocol, 1, d.protocol);
      num(F.dnskey_algorithm, 1, d.algorithm);
      const tag = keyTag(b.subarray(p - 4, end));
      out.push({ def: F.dnskey_key_id, start: end, len: 0, value: tag, generated: true, text: `[Key id: ${tag}]` });
      out.push(node(F.dnskey_public_key, p, end - p, d.publicKey));
      break;
    }
    case 'rrsig':
      num(F.rrsig_type_covered, 2, d.typeCovered);
      num(F.rrsig_algorithm, 1, d.algorithm);
      num(F.rrsig_labels, 1, d.labels);
      out.push(ttlNode(F.rrsig_original_ttl, p, d.originalTtl));
      p += 4;
      out.push(node(F.rrsig_expiration, p, 4, absTimeText(d.expiration)));
      out.push(node(F.rrsig_inception, p + 4, 4, absTimeText(d.inception)));
      p += 8;
      num(F.rrsig_key_tag, 2, d.keyTag);
      name(F.rrsig_signer);
      out.push(node(F.rrsig_signature, p, end - p, d.signature));
      break;
    case 'nsec':
      name(F.nsec_next);
      out.push(...bitmapNodes(b, p, end));
      break;
    case 'nsec3':
    case 'nsec3param': {
      num(F.nsec3_algo, 1, d.algorithm);
      out.push(node(F.nsec3_flags, p, 1, d.flags, d.kind === 'nsec3' ? { children: [{ def: F.nsec3_optout, start: p, len: 1, value: (d.flags & 1) !== 0, bitmask: 1 }] } : undefined));
      p += 1;
      num(F.nsec3_iterations, 2, d.iterations);
      num(F.nsec3_salt_length, 1, d.salt.length);
      out.push(node(F.nsec3_salt, p, d.salt.length, d.salt));
      p += d.salt.length;
      if (d.kind === 'nsec3') {
        num(F.nsec3_hash_length, 1, d.nextHashed.length);
        const h = base32hex(d.nextHashed);
        out.push({ def: F.nsec3_hash, start: p, len: d.nextHashed.length, value: h, generated: true, text: `[Next hashed owner: ${h}]` });
        p += d.nextHashed.length;
        out.push(...bitmapNodes(b, p, end));
      }
      break;
    }
    case 'tlsa':
      num(F.tlsa_usage, 1, d.usage);
      num(F.tlsa_selector, 1, d.selector);
      num(F.tlsa_matching, 1, d.matchingType);
      out.push(node(F.tlsa_data, p, end - p, d.data));
      break;
    case 'svcb':
    case 'https':
      num(F.svcb_priority, 2, d.priority);
      name(F.svcb_target);
      for (const sp of d.params) {
        const [n, e] = svcParamNode(b, p, sp);
        out.push(n);
        p = e;
      }
      break;
    case 'opt':
      for (const o of d.options) {
        const [n, e] = ednsOptionNode(b, p, o);
        out.push(n);
        p = e;
      }
      break;
    case 'null':
      out.push(node(F.null_data, p, end - p, d.data));
      break;
    case 'unknown':
      if (end > p) out.push(node(F.data, p, end - p, d.data));
      break;
  }
  return out;
}

function recordNode(w: Walker, r: DnsRecord, p: number, variant: DnsVariant): [FieldNode, number] {
  const nm = w.name(p);
  const e = nm.end;
  const kids: FieldNode[] = [];
  const t = nm.text;
  if (r.type === 33) {
    // TShark splits an SRV owner name into _service._proto.name
    const parts = t.split('.');
    kids.push({ def: F.srv_service, start: p, len: e - p, value: parts[0]! });
    if (parts.length > 1) kids.push({ def: F.srv_proto, start: p, len: e - p, value: parts[1]! });
    if (parts.length > 2) kids.push({ def: F.srv_name, start: p, len: e - p, value: parts.slice(2).join('.') });
  } else kids.push({ def: F.resp_name, start: p, len: e - p, value: t });
  kids.push(node(F.resp_type, e, 2, r.type));
  const rd = e + 10;
  const rdEnd = rd + r.rdlength;
  let label: string;
  const owner = shown(r.name);
  if (r.type === 41) {
    if (variant === 'mdns') {
      kids.push({ def: F.udp_payload_size_mdns, start: e + 2, len: 2, value: r.class & 0x7fff, bitmask: 0x7fff });
      kids.push({ def: F.resp_cache_flush, start: e + 2, len: 2, value: (r.class & 0x8000) !== 0, bitmask: 0x8000 });
    } else kids.push(node(F.udp_payload_size, e + 2, 2, r.class));
    const z = r.ttl & 0xffff;
    kids.push(node(F.ext_rcode, e + 4, 1, r.ttl >>> 24), node(F.edns0_version, e + 5, 1, (r.ttl >>> 16) & 0xff));
    kids.push(
      node(F.resp_z, e + 6, 2, z, {
        children: [
          { def: F.resp_z_do, start: e + 6, len: 2, value: (z & 0x8000) !== 0, bitmask: 0x8000 },
          { def: F.resp_z_reserved, start: e + 6, len: 2, value: z & 0x7fff, bitmask: 0x7fff },
        ],
      }),
    );
    kids.push(node(F.resp_len, e + 8, 2, r.rdlength));
    label = `${owner}: type ${typeName(r.type)}`;
  } else {
    const cls = variant === 'mdns' ? r.class & 0x7fff : r.class;
    if (variant === 'mdns') {
      kids.push(fixNum({ def: F.resp_class_mdns, start: e + 2, len: 2, value: cls, bitmask: 0x7fff }));
      kids.push({ def: F.resp_cache_flush, start: e + 2, len: 2, value: (r.class & 0x8000) !== 0, bitmask: 0x8000 });
    } else kids.push(node(F.resp_class, e + 2, 2, r.class));
    kids.push(ttlNode(F.resp_ttl, e + 4, r.ttl));
    kids.push(node(F.resp_len, e + 8, 2, r.rdlength));
    label = `${owner}: type ${typeName(r.type)}, class ${className(cls)}`;
    if (variant === 'mdns' && r.class & 0x8000) label += ', cache flush';
    label += recordTexts(r, variant)[0];
  }
  kids.push(...rdataNodes(w, r, rd, rdEnd));
  return [{ def: PROTO, start: p, len: rdEnd - p, value: null, text: label, children: kids }, rdEnd];
}

/** The children of a DNS layer node, in tshark's order. `start` is the layer start (the TCP prefix, if any). */
export function dnsTreeNodes(b: Uint8Array, start: number, end: number, v: DnsValue, variant: DnsVariant): FieldNode[] {
  const out: FieldNode[] = [];
  let base = start;
  let limit = end;
  if (v.length !== undefined) {
    out.push(node(F.length, start, 2, v.length));
    base = start + 2;
    limit = Math.min(end, base + v.length);
  }
  // tshark reads the flags before it shows anything (nothing without them), then each field while bytes remain
  if (limit - base < 4) return out;
  const update = v.opcode === 5;
  out.push(node(F.id, base, 2, v.id));
  out.push(node(F.flags, base + 2, 2, v.flags, { text: flagsLabel(v), children: flagNodes(v, base + 2, variant) }));
  const counts: [FieldDef, number][] = [
    [update ? F.zocount : F.qdcount, v.qdcount],
    [update ? F.prcount : F.ancount, v.ancount],
    [update ? F.upcount : F.nscount, v.nscount],
    [F.arcount, v.arcount],
  ];
  counts.forEach(([def, n], i) => {
    if (base + 6 + 2 * i <= limit) out.push(node(def, base + 4 + 2 * i, 2, n));
  });
  if (limit - base < HEADER_LEN) return out;
  const w = new Walker(b, base, limit);
  let p = base + HEADER_LEN;
  // A section shows when its count is not 0, even if decoding stopped in it (as tshark shows it).
  if (v.qdcount) {
    const kids: FieldNode[] = [];
    const s = p;
    for (const q of v.questions) {
      const [n, e] = questionNode(w, q, p, variant);
      kids.push(n);
      p = e;
    }
    out.push({ def: PROTO, start: s, len: p - s, value: null, text: update ? 'Zone' : 'Queries', children: kids });
  }
  const sections: [DnsRecord[], number, string][] = [
    [v.answers, v.ancount, update ? 'Prerequisites' : 'Answers'],
    [v.authorities, v.nscount, update ? 'Updates' : 'Authoritative nameservers'],
    [v.additionals, v.arcount, 'Additional records'],
  ];
  let stopped = v.questions.length < v.qdcount;
  for (const [list, count, title] of sections) {
    if (!count || stopped) continue;
    if (list.length < count) stopped = true;
    const kids: FieldNode[] = [];
    const s = p;
    for (const r of list) {
      const [n, e] = recordNode(w, r, p, variant);
      kids.push(n);
      p = e;
    }
    out.push({ def: PROTO, start: s, len: p - s, value: null, text: title, children: kids });
  }
  if (v.extraneous && v.extraneous.length) {
    const n = v.extraneous.length;
    out.push({
      def: PROTO,
      start: limit - n,
      len: n,
      value: null,
      text: `Extraneous Data (${n} bytes)`,
      children: [
        node(F.extraneous_data, limit - n, n, v.extraneous),
        { def: F.extraneous_length, start: limit, len: 0, value: n, generated: true, text: `[Extraneous Data Length: ${n}]` },
      ],
    });
  }
  return out;
}

/** Its part of the Info column: `Standard query response 0x1a2b A example.com A 93.184.216.34`. */
export function dnsSummary(v: DnsValue, variant: DnsVariant = 'dns'): string {
  if (v.flags === undefined) return ''; // no flags: tshark shows no summary
  let s = opcodeName(v.opcode);
  if (v.response) s += ' response';
  s += ` 0x${v.id.toString(16).padStart(4, '0')}`;
  if (v.response && v.rcode !== 0) s += ` ${rcodeName(v.rcode)}`;
  for (const q of v.questions) {
    s += ` ${typeName(q.type)} ${shown(q.name)}`;
    if (variant === 'mdns') s += q.class & 0x8000 ? ', "QU" question' : ', "QM" question';
  }
  for (const list of [v.answers, v.authorities, v.additionals]) for (const r of list) s += ` ${recordTexts(r, variant)[1]}`;
  return s;
}

export { nameText };
export type { DnsName };
