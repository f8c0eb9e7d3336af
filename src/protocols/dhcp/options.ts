/**
 * DHCP options (RFC 2132 and later): the typed values, and the codec between them and the option bytes.
 *
 * Each option is a discriminated union member on `kind`. A code whose data has the expected shape decodes to its
 * typed value; anything else (an unknown code, a bad length) is kept as `raw` bytes, so nothing is ever dropped.
 * RFC 3396 long options: several instances of one code are concatenated; the first instance carries the typed value
 * of the whole and `parts` (the data length of each instance as it came), later instances are `continuation`
 * placeholders that mark where the next parts go, so the message re-encodes to the same bytes.
 */
import { ipv4ToString, parseIPv4 } from '../../core/addr.js';
import { concatBytes } from '../../core/bytes.js';
import { EncodeError } from '../../core/problem.js';
import { BASIC_OPTIONS } from './table.js';
import type { BasicKind } from './table.js';

/** Sub-options of the relay agent information option (82, RFC 3046). */
export type AgentSubOption =
  | { kind: 'circuit-id'; id: Uint8Array }
  | { kind: 'remote-id'; id: Uint8Array }
  | { kind: 'link-selection'; address: string }
  | { kind: 'raw'; code: number; data: Uint8Array };

/** One vendor's block of the vendor-identifying vendor-specific option (125, RFC 3925). */
export interface VendorBlock {
  enterprise: number;
  suboptions: { code: number; data: Uint8Array }[];
}

/** A classless static route (121 and 249, RFC 3442): `10.1.2.0/24` via `192.168.1.254` (`0.0.0.0/0` = default). */
export interface ClasslessRoute {
  destination: string;
  router: string;
}

/** The data length of each instance of a split option (RFC 3396), as it came; undefined = one instance (or split at 255). */
interface Split {
  parts?: number[];
}

export type DhcpOption =
  /** A run of PAD (0) bytes. */
  | { kind: 'pad'; length: number }
  /** END (255). */
  | { kind: 'end' }
  /** One IPv4 address (subnet mask 1, requested address 50, server identifier 54, broadcast 28, ...). */
  | ({ kind: 'address'; code: number; address: string } & Split)
  /** A list of IPv4 addresses (routers 3, DNS servers 6, NTP servers 42, ...). */
  | ({ kind: 'addresses'; code: number; addresses: string[] } & Split)
  /** Text (host name 12, domain name 15, message 56, vendor class 60, ...). `bytes` keeps data that is not UTF-8. */
  | ({ kind: 'text'; code: number; text: string; bytes?: Uint8Array } & Split)
  /** A number whose width the code sets (1 byte: TTL, booleans; 2: MTU, max size; 4: lease time 51, T1 58, T2 59, time offset 2). */
  | ({ kind: 'number'; code: number; value: number } & Split)
  /** A list of 16-bit numbers (path MTU plateau table 25). */
  | ({ kind: 'numbers'; code: number; values: number[] } & Split)
  /** Pairs of addresses: policy filter 21 (address, mask), static routes 33 (destination, router). */
  | ({ kind: 'address-pairs'; code: number; pairs: [string, string][] } & Split)
  /** DHCP message type (53). */
  | ({ kind: 'message-type'; code: 53; type: number } & Split)
  /** Parameter request list (55): the option codes the client asks for. */
  | ({ kind: 'parameter-list'; code: 55; codes: number[] } & Split)
  /** Client identifier (61): a type byte (an ARP hardware type, 0, or 255 for RFC 4361) and the identifier. */
  | ({ kind: 'client-id'; code: 61; type: number; id: Uint8Array } & Split)
  /** User class (77, RFC 3004): one or more opaque class instances. */
  | ({ kind: 'user-class'; code: 77; classes: Uint8Array[] } & Split)
  /** Client FQDN (81, RFC 4702). `nameBytes` keeps a name whose wire form is not the canonical one. */
  | ({ kind: 'client-fqdn'; code: 81; flags: number; rcode1: number; rcode2: number; name: string; nameBytes?: Uint8Array } & Split)
  /** Relay agent information (82, RFC 3046) with its sub-options. */
  | ({ kind: 'agent-info'; code: 82; suboptions: AgentSubOption[] } & Split)
  /** Domain search list (119, RFC 3397). `wire` keeps compression that is not the canonical one. */
  | ({ kind: 'domain-search'; code: 119; names: string[]; wire?: Uint8Array } & Split)
  /** Classless static routes (121, and Microsoft's 249). */
  | ({ kind: 'classless-routes'; code: number; routes: ClasslessRoute[] } & Split)
  /** Vendor-identifying vendor-specific information (125, RFC 3925). */
  | ({ kind: 'vendor-identifying'; code: 125; vendors: VendorBlock[] } & Split)
  /** Any other code, or data that does not have its code's shape: the bytes as they are. */
  | ({ kind: 'raw'; code: number; data: Uint8Array } & Split)
  /** A later instance of a split option (RFC 3396): its data is the next part of the first instance's value. */
  | { kind: 'continuation'; code: number }
  /** An option cut short at the end of its area: the code, the length byte if present, and the bytes that are there. */
  | { kind: 'truncated'; code: number; len?: number; data: Uint8Array };

export type TlvOption = Exclude<DhcpOption, { kind: 'pad' } | { kind: 'end' } | { kind: 'continuation' } | { kind: 'truncated' }>;

/** The option code of any entry (0 for PAD, 255 for END). */
export function optionCode(o: DhcpOption): number {
  return o.kind === 'pad' ? 0 : o.kind === 'end' ? 255 : o.code;
}

/** The codes whose numbers are 1, 2 or 4 bytes wide (and signed for time offset 2). */
export function numberWidth(code: number): { width: 1 | 2 | 4; signed: boolean } | undefined {
  if (code === 52) return { width: 1, signed: false };
  const b = BASIC_OPTIONS[code];
  if (!b) return undefined;
  switch (b[0]) {
    case 'bool':
    case 'u8':
      return { width: 1, signed: false };
    case 'u16':
      return { width: 2, signed: false };
    case 'time_u':
      return { width: 4, signed: false };
    case 'time_s':
      return { width: 4, signed: true };
    default:
      return undefined;
  }
}

function basicKind(code: number): BasicKind | undefined {
  return BASIC_OPTIONS[code]?.[0];
}

const utf8 = new TextDecoder('utf-8');
const utf8Enc = new TextEncoder();

/** UTF-8 text of some bytes, and whether re-encoding the text gives the same bytes back. */
export function bytesToText(d: Uint8Array): { text: string; exact: boolean } {
  const text = utf8.decode(d);
  const back = utf8Enc.encode(text);
  let exact = back.length === d.length;
  for (let i = 0; exact && i < d.length; i++) if (back[i] !== d[i]) exact = false;
  return { text, exact };
}

export function textToBytes(s: string): Uint8Array {
  return utf8Enc.encode(s);
}

function u32(d: Uint8Array, i: number): number {
  return ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------------
// DNS names (options 81 and 119): wire form with compression pointers followed only backwards.

/** Maximum pointer jumps while reading one name. */
const MAX_JUMPS = 64;

/** Read a name at `off` in `d`; pointers may only go backwards. Returns the text and the bytes it took, or null. */
export function readDnsName(d: Uint8Array, off: number): { name: string; next: number } | null {
  const labels: string[] = [];
  let i = off;
  let next = -1;
  let jumps = 0;
  let limit = off; // a pointer must go before the start of the label sequence it is read from
  let total = 0;
  for (;;) {
    if (i >= d.length) return null;
    const l = d[i]!;
    if (l === 0) {
      if (next < 0) next = i + 1;
      break;
    }
    if ((l & 0xc0) === 0xc0) {
      if (i + 1 >= d.length) return null;
      const p = ((l & 0x3f) << 8) | d[i + 1]!;
      if (next < 0) next = i + 2;
      if (p >= limit || ++jumps > MAX_JUMPS) return null;
      limit = p;
      i = p;
      continue;
    }
    if ((l & 0xc0) !== 0) return null;
    if (i + 1 + l > d.length) return null;
    total += l + 1;
    if (total > 255) return null;
    let s = '';
    for (let k = i + 1; k <= i + l; k++) s += String.fromCharCode(d[k]!);
    labels.push(s);
    i += 1 + l;
  }
  return { name: labels.join('.'), next };
}

/** Names to wire form, compressing repeated suffixes (RFC 1035 4.1.4) when `compress` is set. */
export function writeDnsNames(names: readonly string[], compress: boolean, field: string): Uint8Array {
  const out: number[] = [];
  const seen = new Map<string, number>();
  for (const name of names) {
    const labels = name === '' ? [] : name.split('.');
    let k = 0;
    for (; k < labels.length; k++) {
      const suffix = labels.slice(k).join('.');
      const at = compress ? seen.get(suffix) : undefined;
      if (at !== undefined) {
        out.push(0xc0 | (at >> 8), at & 0xff);
        break;
      }
      if (out.length < 0x4000) seen.set(suffix, out.length);
      const lab = labels[k]!;
      if (lab.length === 0 || lab.length > 63) throw new EncodeError(field, `label "${lab}" of "${name}" must be 1 to 63 bytes`);
      out.push(lab.length);
      for (let c = 0; c < lab.length; c++) {
        const code = lab.charCodeAt(c);
        if (code > 255) throw new EncodeError(field, `"${name}" has a character that is not a byte`);
        out.push(code);
      }
    }
    if (k === labels.length) out.push(0);
  }
  return new Uint8Array(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Typed value <-> option data

function parseAddresses(d: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i + 4 <= d.length; i += 4) out.push(ipv4ToString(d, i));
  return out;
}

function parseAgentInfo(d: Uint8Array): AgentSubOption[] | null {
  const subs: AgentSubOption[] = [];
  let i = 0;
  while (i < d.length) {
    if (i + 2 > d.length) return null;
    const code = d[i]!;
    const len = d[i + 1]!;
    if (i + 2 + len > d.length) return null;
    const data = d.subarray(i + 2, i + 2 + len);
    if (code === 1) subs.push({ kind: 'circuit-id', id: data });
    else if (code === 2) subs.push({ kind: 'remote-id', id: data });
    else if (code === 5 && len === 4) subs.push({ kind: 'link-selection', address: ipv4ToString(data, 0) });
    else subs.push({ kind: 'raw', code, data });
    i += 2 + len;
  }
  return subs;
}

function parseClasslessRoutes(d: Uint8Array): ClasslessRoute[] | null {
  if (d.length === 0) return null;
  const routes: ClasslessRoute[] = [];
  let i = 0;
  while (i < d.length) {
    const width = d[i]!;
    if (width > 32) return null;
    const sig = (width + 7) >> 3;
    if (i + 1 + sig + 4 > d.length) return null;
    const dest = [0, 0, 0, 0];
    for (let k = 0; k < sig; k++) dest[k] = d[i + 1 + k]!;
    routes.push({ destination: `${dest.join('.')}/${width}`, router: ipv4ToString(d, i + 1 + sig) });
    i += 1 + sig + 4;
  }
  return routes;
}

function parseVendors(d: Uint8Array): VendorBlock[] | null {
  const vendors: VendorBlock[] = [];
  let i = 0;
  while (i < d.length) {
    if (i + 5 > d.length) return null;
    const enterprise = u32(d, i);
    const len = d[i + 4]!;
    if (i + 5 + len > d.length) return null;
    const data = d.subarray(i + 5, i + 5 + len);
    const suboptions: { code: number; data: Uint8Array }[] = [];
    let k = 0;
    while (k < data.length) {
      if (k + 2 > data.length) return null;
      const sl = data[k + 1]!;
      if (k + 2 + sl > data.length) return null;
      suboptions.push({ code: data[k]!, data: data.subarray(k + 2, k + 2 + sl) });
      k += 2 + sl;
    }
    vendors.push({ enterprise, suboptions });
    i += 5 + len;
  }
  return vendors;
}

/** The typed value of option `code` with data `d`, or a `raw` option when the data does not have the code's shape. */
export function parseOption(code: number, d: Uint8Array): TlvOption {
  const raw: TlvOption = { kind: 'raw', code, data: d };
  switch (code) {
    case 53:
      return d.length === 1 ? { kind: 'message-type', code, type: d[0]! } : raw;
    case 55:
      return { kind: 'parameter-list', code, codes: Array.from(d) };
    case 52:
      return d.length === 1 ? { kind: 'number', code, value: d[0]! } : raw;
    case 60:
      return textOption(code, d);
    case 21:
    case 33: {
      if (d.length === 0 || d.length % 8 !== 0) return raw;
      const pairs: [string, string][] = [];
      for (let i = 0; i < d.length; i += 8) pairs.push([ipv4ToString(d, i), ipv4ToString(d, i + 4)]);
      return { kind: 'address-pairs', code, pairs };
    }
    case 61:
      return d.length >= 1 ? { kind: 'client-id', code, type: d[0]!, id: d.subarray(1) } : raw;
    case 77: {
      const classes: Uint8Array[] = [];
      let i = 0;
      while (i < d.length) {
        const l = d[i]!;
        if (l === 0 || i + 1 + l > d.length) return raw;
        classes.push(d.subarray(i + 1, i + 1 + l));
        i += 1 + l;
      }
      return classes.length ? { kind: 'user-class', code, classes } : raw;
    }
    case 81: {
      if (d.length < 3) return raw;
      const flags = d[0]!;
      const wire = d.subarray(3);
      let name: string;
      let canonical: Uint8Array;
      if (flags & 0x04) {
        // Binary encoding: DNS labels (RFC 4702 2.3.1); read without pointers, possibly without the root label.
        const labels: string[] = [];
        let i = 0;
        while (i < wire.length && wire[i] !== 0) {
          const l = wire[i]!;
          if ((l & 0xc0) !== 0 || i + 1 + l > wire.length) return raw;
          let s = '';
          for (let k = i + 1; k <= i + l; k++) s += String.fromCharCode(wire[k]!);
          labels.push(s);
          i += 1 + l;
        }
        name = labels.join('.');
        try {
          canonical = name === '' && wire.length === 0 ? new Uint8Array(0) : writeDnsNames([name], false, 'dhcp.fqdn.name');
        } catch {
          canonical = new Uint8Array(0);
        }
      } else {
        const t = bytesToText(wire);
        name = t.text;
        canonical = t.exact ? wire : new Uint8Array(0);
      }
      const o: TlvOption = { kind: 'client-fqdn', code, flags, rcode1: d[1]!, rcode2: d[2]!, name };
      if (!sameBytes(canonical, wire)) o.nameBytes = wire;
      return o;
    }
    case 82: {
      const subs = parseAgentInfo(d);
      return subs ? { kind: 'agent-info', code, suboptions: subs } : raw;
    }
    case 119: {
      if (d.length === 0) return raw;
      const names: string[] = [];
      let i = 0;
      while (i < d.length) {
        const r = readDnsName(d, i);
        if (!r) return raw;
        names.push(r.name);
        i = r.next;
      }
      const o: TlvOption = { kind: 'domain-search', code, names };
      let canonical: Uint8Array | null;
      try {
        canonical = writeDnsNames(names, true, 'dhcp.option.dhcp_dns_domain_search_list_fqdn');
      } catch {
        canonical = null;
      }
      if (!canonical || !sameBytes(canonical, d)) o.wire = d;
      return o;
    }
    case 121:
    case 249: {
      const routes = parseClasslessRoutes(d);
      return routes ? { kind: 'classless-routes', code, routes } : raw;
    }
    case 125: {
      const vendors = parseVendors(d);
      return vendors && vendors.length ? { kind: 'vendor-identifying', code, vendors } : raw;
    }
    default:
      break;
  }
  const kind = basicKind(code);
  switch (kind) {
    case 'ipv4':
      return d.length === 4 ? { kind: 'address', code, address: ipv4ToString(d, 0) } : raw;
    case 'ipv4_list':
      return d.length > 0 && d.length % 4 === 0 ? { kind: 'addresses', code, addresses: parseAddresses(d) } : raw;
    case 'string':
      return textOption(code, d);
    case 'bool':
    case 'u8':
      return d.length === 1 ? { kind: 'number', code, value: d[0]! } : raw;
    case 'u16':
      return d.length === 2 ? { kind: 'number', code, value: (d[0]! << 8) | d[1]! } : raw;
    case 'u16_list': {
      if (d.length === 0 || d.length % 2 !== 0) return raw;
      const values: number[] = [];
      for (let i = 0; i < d.length; i += 2) values.push((d[i]! << 8) | d[i + 1]!);
      return { kind: 'numbers', code, values };
    }
    case 'time_u':
      return d.length === 4 ? { kind: 'number', code, value: u32(d, 0) } : raw;
    case 'time_s':
      return d.length === 4 ? { kind: 'number', code, value: u32(d, 0) | 0 } : raw;
    default:
      return raw;
  }
}

function textOption(code: number, d: Uint8Array): TlvOption {
  const t = bytesToText(d);
  const o: TlvOption = { kind: 'text', code, text: t.text };
  if (!t.exact) o.bytes = d;
  return o;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addressBytes(a: string, field: string): Uint8Array {
  const b = parseIPv4(a);
  if (!b) throw new EncodeError(field, `not an IPv4 address: ${String(a)}`);
  return b;
}

function byteOf(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new EncodeError(field, `${n} does not fit in a byte`);
  return n;
}

const OPT_VALUE = 'dhcp.option.value';

/** The data bytes of a typed option (the concatenated value, for a split option). Throws EncodeError. */
export function optionData(o: TlvOption): Uint8Array {
  switch (o.kind) {
    case 'raw':
      return o.data;
    case 'address':
      return addressBytes(o.address, OPT_VALUE);
    case 'addresses':
      return concatBytes(o.addresses.map((a) => addressBytes(a, OPT_VALUE)));
    case 'text':
      return o.bytes ?? textToBytes(o.text);
    case 'number': {
      const w = numberWidth(o.code);
      if (!w) throw new EncodeError(OPT_VALUE, `option ${o.code} does not hold a number`);
      const v = o.value;
      const min = w.signed ? -(2 ** (8 * w.width - 1)) : 0;
      const max = w.signed ? 2 ** (8 * w.width - 1) - 1 : 2 ** (8 * w.width) - 1;
      if (!Number.isInteger(v) || v < min || v > max) throw new EncodeError(OPT_VALUE, `${v} does not fit option ${o.code} (${w.width} bytes)`);
      const out = new Uint8Array(w.width);
      let u = v < 0 ? v + 2 ** (8 * w.width) : v;
      for (let i = w.width - 1; i >= 0; i--) {
        out[i] = u % 256;
        u = Math.floor(u / 256);
      }
      return out;
    }
    case 'numbers': {
      const out = new Uint8Array(o.values.length * 2);
      o.values.forEach((v, i) => {
        if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError(OPT_VALUE, `${v} does not fit in 16 bits`);
        out[2 * i] = v >> 8;
        out[2 * i + 1] = v & 0xff;
      });
      return out;
    }
    case 'address-pairs':
      return concatBytes(o.pairs.flatMap(([a, b]) => [addressBytes(a, OPT_VALUE), addressBytes(b, OPT_VALUE)]));
    case 'message-type':
      return new Uint8Array([byteOf(o.type, 'dhcp.option.dhcp')]);
    case 'parameter-list':
      return new Uint8Array(o.codes.map((c) => byteOf(c, 'dhcp.option.request_list_item')));
    case 'client-id':
      return concatBytes([new Uint8Array([byteOf(o.type, 'dhcp.client_id.type')]), o.id]);
    case 'user-class': {
      const parts: Uint8Array[] = [];
      for (const c of o.classes) {
        if (c.length === 0 || c.length > 255) throw new EncodeError('dhcp.option.user_class.length', `user class of ${c.length} bytes (1 to 255 allowed)`);
        parts.push(new Uint8Array([c.length]), c);
      }
      return concatBytes(parts);
    }
    case 'client-fqdn': {
      const name = o.nameBytes ?? (o.flags & 0x04 ? writeDnsNames([o.name], false, 'dhcp.fqdn.name') : textToBytes(o.name));
      return concatBytes([
        new Uint8Array([byteOf(o.flags, 'dhcp.fqdn.flags'), byteOf(o.rcode1, 'dhcp.fqdn.rcode1'), byteOf(o.rcode2, 'dhcp.fqdn.rcode2')]),
        name,
      ]);
    }
    case 'agent-info': {
      const parts: Uint8Array[] = [];
      for (const s of o.suboptions) {
        const code = s.kind === 'circuit-id' ? 1 : s.kind === 'remote-id' ? 2 : s.kind === 'link-selection' ? 5 : s.code;
        const data = s.kind === 'link-selection' ? addressBytes(s.address, 'dhcp.option.agent_information_option.link_selection') : s.kind === 'raw' ? s.data : s.id;
        if (data.length > 255) throw new EncodeError('dhcp.option.suboption_length', `sub-option ${code} of ${data.length} bytes does not fit`);
        parts.push(new Uint8Array([byteOf(code, 'dhcp.option.agent_information_option.suboption'), data.length]), data);
      }
      return concatBytes(parts);
    }
    case 'domain-search':
      return o.wire ?? writeDnsNames(o.names, true, 'dhcp.option.dhcp_dns_domain_search_list_fqdn');
    case 'classless-routes': {
      const parts: Uint8Array[] = [];
      for (const r of o.routes) {
        const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(r.destination);
        const dest = m ? parseIPv4(m[1]!) : null;
        const width = m ? Number(m[2]) : NaN;
        if (!dest || !(width >= 0 && width <= 32)) throw new EncodeError('dhcp.option.classless_static_route', `not a destination prefix: ${r.destination}`);
        const sig = (width + 7) >> 3;
        parts.push(new Uint8Array([width]), dest.subarray(0, sig), addressBytes(r.router, 'dhcp.option.classless_static_route'));
      }
      return concatBytes(parts);
    }
    case 'vendor-identifying': {
      const parts: Uint8Array[] = [];
      for (const v of o.vendors) {
        const subs: Uint8Array[] = [];
        for (const s of v.suboptions) {
          if (s.data.length > 255) throw new EncodeError('dhcp.option.vi.length', `sub-option of ${s.data.length} bytes does not fit`);
          subs.push(new Uint8Array([byteOf(s.code, 'dhcp.vendor.suboption'), s.data.length]), s.data);
        }
        const data = concatBytes(subs);
        if (data.length > 255) throw new EncodeError('dhcp.option.vi.length', `vendor data of ${data.length} bytes does not fit`);
        const e = v.enterprise;
        if (!Number.isInteger(e) || e < 0 || e > 0xffffffff) throw new EncodeError('dhcp.option.vi.enterprise', `${e} does not fit in 32 bits`);
        parts.push(new Uint8Array([(e >>> 24) & 0xff, (e >>> 16) & 0xff, (e >>> 8) & 0xff, e & 0xff, data.length]), data);
      }
      return concatBytes(parts);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scanning an option area, and writing one

/** One option instance as it lies in an area (absolute offsets). */
export type Instance =
  | { type: 'pad'; start: number; len: number }
  | { type: 'end'; start: number }
  | { type: 'tlv'; code: number; start: number; data: Uint8Array }
  | { type: 'trunc'; code: number; start: number; len?: number; data: Uint8Array };

export interface ScannedArea {
  instances: Instance[];
  /** An END option was found. */
  ended: boolean;
  /** Where scanning stopped (after END, or the area end). */
  next: number;
}

/** Walk the options of [start, end) up to END, as tshark does: PAD runs grouped, a cut option recorded as `trunc`. */
export function scanArea(b: Uint8Array, start: number, end: number): ScannedArea {
  const instances: Instance[] = [];
  let i = start;
  while (i < end) {
    const code = b[i]!;
    if (code === 0) {
      let j = i + 1;
      while (j < end && b[j] === 0) j++;
      instances.push({ type: 'pad', start: i, len: j - i });
      i = j;
      continue;
    }
    if (code === 255) {
      instances.push({ type: 'end', start: i });
      return { instances, ended: true, next: i + 1 };
    }
    if (i + 1 >= end) {
      instances.push({ type: 'trunc', code, start: i, data: b.subarray(i + 1, end) });
      return { instances, ended: false, next: end };
    }
    const len = b[i + 1]!;
    if (i + 2 + len > end) {
      instances.push({ type: 'trunc', code, start: i, len, data: b.subarray(i + 2, end) });
      return { instances, ended: false, next: end };
    }
    instances.push({ type: 'tlv', code, start: i, data: b.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return { instances, ended: false, next: end };
}

/**
 * Typed options of areas scanned in RFC 3396 aggregate order (options, file, sname): instances of one code are
 * concatenated into the first (with `parts`), later ones become `continuation`.
 */
export function buildOptions(areas: readonly ScannedArea[]): DhcpOption[][] {
  const byCode = new Map<number, Uint8Array[]>();
  for (const a of areas) for (const x of a.instances) if (x.type === 'tlv') {
    let l = byCode.get(x.code);
    if (!l) byCode.set(x.code, (l = []));
    l.push(x.data);
  }
  const done = new Set<number>();
  return areas.map((a) =>
    a.instances.map((x): DhcpOption => {
      switch (x.type) {
        case 'pad':
          return { kind: 'pad', length: x.len };
        case 'end':
          return { kind: 'end' };
        case 'trunc':
          return x.len === undefined ? { kind: 'truncated', code: x.code, data: x.data } : { kind: 'truncated', code: x.code, len: x.len, data: x.data };
        case 'tlv': {
          if (done.has(x.code)) return { kind: 'continuation', code: x.code };
          done.add(x.code);
          const all = byCode.get(x.code)!;
          const o = parseOption(x.code, all.length === 1 ? x.data : concatBytes(all));
          if (all.length > 1) o.parts = all.map((d) => d.length);
          return o;
        }
      }
    }),
  );
}

/**
 * Encode option lists in aggregate order (options, file, sname): each typed option is written at its place, split
 * into its `parts` (later parts at its `continuation` entries), or into 255-byte instances when longer.
 */
export function encodeAreas(lists: readonly (readonly DhcpOption[])[]): Uint8Array[] {
  const queues = new Map<number, Uint8Array[]>();
  for (const list of lists)
    for (const o of list) {
      if (o.kind === 'pad' || o.kind === 'end' || o.kind === 'continuation' || o.kind === 'truncated') continue;
      const code = byteOf(o.code, 'dhcp.option.type');
      if (queues.has(code)) throw new EncodeError('dhcp.option.type', `option ${code} is given twice (a split option uses "continuation" entries)`);
      const data = optionData(o);
      const chunks: Uint8Array[] = [];
      if (o.parts) {
        let at = 0;
        for (const p of o.parts) {
          if (!Number.isInteger(p) || p < 0 || p > 255) throw new EncodeError('dhcp.option.length', `part of ${p} bytes does not fit`);
          chunks.push(data.subarray(at, at + p));
          at += p;
        }
        if (at !== data.length) throw new EncodeError('dhcp.option.length', `parts add up to ${at} bytes, the value of option ${code} has ${data.length}`);
      } else if (data.length <= 255) chunks.push(data);
      else for (let at = 0; at < data.length; at += 255) chunks.push(data.subarray(at, Math.min(at + 255, data.length)));
      queues.set(code, chunks);
    }
  return lists.map((list) => {
    const parts: Uint8Array[] = [];
    for (const o of list) {
      switch (o.kind) {
        case 'pad':
          parts.push(new Uint8Array(o.length));
          break;
        case 'end':
          parts.push(new Uint8Array([255]));
          break;
        case 'truncated': {
          const head = o.len === undefined ? [byteOf(o.code, 'dhcp.option.type')] : [byteOf(o.code, 'dhcp.option.type'), byteOf(o.len, 'dhcp.option.length')];
          parts.push(new Uint8Array(head), o.data);
          break;
        }
        case 'continuation': {
          const q = queues.get(o.code);
          const chunk = q?.shift();
          if (!chunk) throw new EncodeError('dhcp.option.type', `continuation of option ${o.code} has no part left`);
          parts.push(new Uint8Array([o.code, chunk.length]), chunk);
          break;
        }
        default: {
          const q = queues.get(o.code)!;
          // The first part here; with no parts given, every 255-byte chunk goes here one after another.
          const take = o.parts ? 1 : q.length;
          for (let k = 0; k < take; k++) {
            const chunk = q.shift()!;
            parts.push(new Uint8Array([o.code, chunk.length]), chunk);
          }
        }
      }
    }
    return concatBytes(parts);
  });
}
