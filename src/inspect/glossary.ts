/**
 * `-G fields` / `-G protocols`: the glossary of what wirelens knows, in tshark 4.0's columns, read from the field
 * tables themselves (the protocols' tables, the frame table, the expert table): never a second list.
 *
 *   P  name  abbrev
 *   F  name  abbrev  FT_type  parent  base  bitmask  blurb
 *
 * base: `BASE_DEC`... for integer types (BASE_NONE when none is declared), the container width in bits for booleans
 * (0 without a bitmask), empty for other types and frame numbers. bitmask: `0x..` in lower case, `0x0` for none.
 * parent: the protocol the field's name starts with (`pppoe.code` in the PPPoE discovery table: `pppoe`).
 * The blurb column holds wirelens's one-line description of the field (tshark's blurbs are often empty).
 *
 * Where tshark 4.0 registers a field or protocol otherwise than wirelens's table declares it for decoding and
 * drawing, REGISTERED gives tshark's registration, so that every line equals tshark's in its first seven columns
 * (test/cli/cli.test.ts compares each line with fixtures/wireshark/fields.tsv).
 */
import { frameTable } from '../dissect/frame.js';
import type { FieldDef, FieldTable } from '../fields/types.js';
import { typeBits } from '../fields/types.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { Protocol } from '../protocols/types.js';
import { wsTable } from './expert.js';
import { frameExtraTable } from './text.js';

/** tshark's registration where it is not what the table declares. */
interface Registration {
  readonly name?: string;
  readonly shortName?: string;
  readonly base?: string;
  readonly mask?: string;
}

const PORT_TCP: Registration = { base: 'BASE_PT_TCP' };
const PORT_UDP: Registration = { base: 'BASE_PT_UDP' };
const BITS_12: Registration = { base: '12' };
const BITS_16: Registration = { base: '16' };
const BITS_32: Registration = { base: '32' };
const NO_MASK: Registration = { mask: '0x0' };

const REGISTERED: Readonly<Record<string, Registration>> = {
  // protocols whose tree title or Protocol column text is not their registered name
  eth: { name: 'Ethernet' },
  null: { shortName: 'Null' },
  raw: { shortName: 'Raw' },
  cmd: { shortName: 'Cisco MetaData' },
  arp: { shortName: 'ARP/RARP' },
  dhcp: { shortName: 'DHCP/BOOTP' },
  mdns: { shortName: 'mDNS' },
  data: { shortName: 'Data' },
  ieee8021ad: { name: 'IEEE 802.1ad', shortName: 'IEEE 802.1AD' },
  ieee8021ah: { shortName: 'IEEE 802.1AH' },
  '_ws.short': { name: 'Short Frame', shortName: 'Short frame' },
  // fields whose tree line is custom text, not their registered label
  'frame.len': { name: 'Frame length on the wire' },
  'frame.cap_len': { name: 'Frame length stored into the capture file' },
  'tcp.bogus_header_length': { name: 'Bogus TCP Header length' },
  // a boolean without a bitmask that tshark registers with a display width of 1
  'frame.cb_copy': { base: '1' },
  // nibbles tshark registers without a bitmask and shifts by hand (wirelens declares the bits it decodes and draws)
  'ip.version': NO_MASK,
  'ip.hdr_len': NO_MASK,
  'ipv6.version': NO_MASK,
  'tcp.hdr_len': NO_MASK,
  // ports: tshark's bases that look the port up in its services table; an OUI looked up in its vendor table
  'tcp.srcport': PORT_TCP,
  'tcp.dstport': PORT_TCP,
  'tcp.port': PORT_TCP,
  'udp.srcport': PORT_UDP,
  'udp.dstport': PORT_UDP,
  'udp.port': PORT_UDP,
  'llc.oui': { base: 'BASE_OUI' },
  // EDNS payload size: tshark 4.0 registers it as a 15-bit hex field (and displays it in decimal)
  'dns.rr.udp_payload_size': { base: 'BASE_HEX', mask: '0x7fff' },
  // booleans in a container tshark declares wider than the byte wirelens reads them from
  'tcp.flags.res': BITS_12,
  'tcp.flags.ae': BITS_12,
  'tcp.flags.cwr': BITS_12,
  'tcp.flags.ece': BITS_12,
  'tcp.flags.urg': BITS_12,
  'tcp.flags.ack': BITS_12,
  'tcp.flags.push': BITS_12,
  'tcp.flags.reset': BITS_12,
  'tcp.flags.syn': BITS_12,
  'tcp.flags.fin': BITS_12,
  'dns.dnskey.flags.key_revoked': BITS_16,
  'dns.dnskey.flags.secure_entry_point': BITS_16,
  'gre.flags.ack': BITS_16,
  'erspan.direction': BITS_16,
  'geneve.option.gcp.reserved': BITS_32,
  'geneve.option.gcp.direction': BITS_32,
  'vntag.looped': BITS_32,
};

/**
 * tshark's registered short name of a protocol where it is not the Protocol column text the protocol declares
 * (`DHCP/BOOTP`, `ARP/RARP`: the names `-G protocols` and `-z expert` print).
 */
export function registeredShortName(abbrev: string): string | undefined {
  return REGISTERED[abbrev]?.shortName;
}

/** One protocol of the glossary: its P line's names and the tables holding its fields. */
export interface GlossaryProtocol {
  readonly name: string;
  readonly shortName: string;
  readonly abbrev: string;
  readonly tables: readonly FieldTable[];
}

/** Every protocol wirelens knows, in order: the frame, the registered protocols, the expert pseudo-protocol. */
export function glossaryProtocols(protocols: readonly Protocol<any, any>[] = PROTOCOLS): GlossaryProtocol[] {
  const out: GlossaryProtocol[] = [{ name: frameTable.proto.name, shortName: 'Frame', abbrev: 'frame', tables: [frameTable, frameExtraTable] }];
  const named = (abbrev: string, name: string, shortName: string): Pick<GlossaryProtocol, 'name' | 'shortName'> => ({
    name: REGISTERED[abbrev]?.name ?? name,
    shortName: REGISTERED[abbrev]?.shortName ?? shortName,
  });
  for (const p of protocols) {
    const prev = out.find((g) => g.abbrev === p.table.proto.abbrev);
    if (prev) {
      if (!prev.tables.includes(p.table)) (prev.tables as FieldTable[]).push(p.table);
      continue;
    }
    out.push({ ...named(p.table.proto.abbrev, p.table.proto.name, p.shortName ?? p.name.toUpperCase()), abbrev: p.table.proto.abbrev, tables: [p.table] });
  }
  out.push({ ...named(wsTable.proto.abbrev, wsTable.proto.name, 'Expert'), abbrev: wsTable.proto.abbrev, tables: [wsTable] });
  return out;
}

function isInteger(def: FieldDef): boolean {
  return typeBits(def.type) > 0;
}

/** The base column of a field. */
export function baseColumn(def: FieldDef): string {
  const registered = REGISTERED[def.abbrev]?.base;
  if (registered !== undefined) return registered;
  if (def.type === 'FRAMENUM') return '';
  if (def.type === 'BOOLEAN') {
    if (!def.bitmask) return '0';
    if (def.width !== undefined) return String(def.width * 8);
    const bits = 32 - Math.clz32(def.bitmask >>> 0);
    return String(bits <= 8 ? 8 : bits <= 16 ? 16 : bits <= 24 ? 24 : 32);
  }
  if (isInteger(def)) return `BASE_${def.base ?? 'NONE'}`;
  return '';
}

/** The F line of one field. */
export function fieldLine(def: FieldDef, parent: string): string {
  const r = REGISTERED[def.abbrev];
  const mask = r?.mask ?? `0x${(def.bitmask ?? 0).toString(16)}`;
  // A field named after another protocol than its table's (pppoe.* in the discovery table) belongs to that one.
  const own = def.abbrev.split('.')[0]!;
  const owner = own !== parent.split('.')[0] ? own : parent;
  return ['F', r?.name ?? def.name, def.abbrev, `FT_${def.type}`, owner, baseColumn(def), mask, def.desc].join('\t');
}

/** A P line (a protocol, or a sub-protocol row of a table). */
function protocolLine(name: string, abbrev: string): string {
  return ['P', REGISTERED[abbrev]?.name ?? name, abbrev].join('\t');
}

/** `-G fields`: P and F lines. A field declared in several tables (shared defs) is listed once. */
export function glossaryFields(protocols?: readonly Protocol<any, any>[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const g of glossaryProtocols(protocols)) {
    if (seen.has(g.abbrev)) continue;
    seen.add(g.abbrev);
    lines.push(protocolLine(g.name, g.abbrev));
    for (const t of g.tables) {
      // Sub-protocol rows of a table (its own P-typed entries) are listed as P lines of their own.
      for (const def of Object.values(t.fields)) {
        if (seen.has(def.abbrev)) continue;
        seen.add(def.abbrev);
        lines.push(def.type === 'PROTOCOL' ? protocolLine(def.name, def.abbrev) : fieldLine(def, g.abbrev));
      }
    }
  }
  return lines;
}

/** `-G protocols`: `name  short name  filter name`. */
export function glossaryProtocolLines(protocols?: readonly Protocol<any, any>[]): string[] {
  return glossaryProtocols(protocols).map((g) => [g.name, g.shortName, g.abbrev].join('\t'));
}

/** Every filter name wirelens knows (for `-e` validation and completion). */
export function knownFieldNames(protocols?: readonly Protocol<any, any>[]): Set<string> {
  const out = new Set<string>();
  for (const g of glossaryProtocols(protocols)) {
    out.add(g.abbrev);
    for (const t of g.tables) for (const def of Object.values(t.fields)) out.add(def.abbrev);
  }
  return out;
}
