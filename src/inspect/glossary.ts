/**
 * `-G fields` / `-G protocols`: the glossary of what wirelens knows, in tshark 4.0's columns, read from the field
 * tables themselves (the protocols' tables, the frame table, the expert table): never a second list.
 *
 *   P  name  abbrev
 *   F  name  abbrev  FT_type  parent  base  bitmask  blurb
 *
 * base: `BASE_DEC`... for integer types (BASE_NONE when none is declared), the container width in bits for booleans
 * (0 without a bitmask), empty for other types. bitmask: `0x..` in lower case, `0x0` for none.
 */
import { frameTable } from '../dissect/frame.js';
import type { FieldDef, FieldTable } from '../fields/types.js';
import { typeBits } from '../fields/types.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { Protocol } from '../protocols/types.js';
import { wsTable } from './expert.js';
import { frameExtraTable } from './text.js';

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
  for (const p of protocols) {
    const prev = out.find((g) => g.abbrev === p.table.proto.abbrev);
    if (prev) {
      if (!prev.tables.includes(p.table)) (prev.tables as FieldTable[]).push(p.table);
      continue;
    }
    out.push({ name: p.table.proto.name, shortName: p.shortName ?? p.name.toUpperCase(), abbrev: p.table.proto.abbrev, tables: [p.table] });
  }
  out.push({ name: wsTable.proto.name, shortName: 'Expert', abbrev: wsTable.proto.abbrev, tables: [wsTable] });
  return out;
}

function isInteger(def: FieldDef): boolean {
  return typeBits(def.type) > 0;
}

/** The base column of a field. */
export function baseColumn(def: FieldDef): string {
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
  const mask = `0x${(def.bitmask ?? 0).toString(16)}`;
  return ['F', def.name, def.abbrev, `FT_${def.type}`, parent, baseColumn(def), mask, def.desc].join('\t');
}

/** `-G fields`: P and F lines. A field declared in several tables (shared defs) is listed once. */
export function glossaryFields(protocols?: readonly Protocol<any, any>[]): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const g of glossaryProtocols(protocols)) {
    if (seen.has(g.abbrev)) continue;
    seen.add(g.abbrev);
    lines.push(['P', g.name, g.abbrev].join('\t'));
    for (const t of g.tables) {
      // Sub-protocol rows of a table (its own P-typed entries) are listed as P lines of their own.
      for (const def of Object.values(t.fields)) {
        if (seen.has(def.abbrev)) continue;
        seen.add(def.abbrev);
        lines.push(def.type === 'PROTOCOL' ? ['P', def.name, def.abbrev].join('\t') : fieldLine(def, g.abbrev));
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
