import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../src/protocols/index.js';
import { frameTable } from '../../src/dissect/frame.js';
import { wsTable } from '../../src/inspect/expert.js';
import type { FieldTable } from '../../src/fields/types.js';

// fixtures/wireshark/fields.tsv: the rows of `tshark -G fields` (TShark 4.0.17) for our protocols.
const rows = readFileSync(new URL('../../fixtures/wireshark/fields.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));
const known = new Map<string, string[]>();
for (const r of rows) known.set(r[0] === 'P' ? r[2]! : r[2]!, r);

const tables: FieldTable[] = [frameTable, wsTable, ...PROTOCOLS.map((p) => p.table)];

describe('field names are Wireshark\'s', () => {
  for (const t of tables) {
    it(`${t.proto.abbrev}: every field exists in tshark -G fields with the same type`, () => {
      const missing: string[] = [];
      const wrongType: string[] = [];
      for (const def of Object.values(t.fields)) {
        const row = known.get(def.abbrev);
        if (!row) {
          missing.push(def.abbrev);
          continue;
        }
        if (row[0] === 'F' && row[3] !== `FT_${def.type}`) wrongType.push(`${def.abbrev}: ${def.type} vs ${row[3]}`);
      }
      expect(missing).toEqual([]);
      expect(wrongType).toEqual([]);
    });
  }

  it('no field name is declared twice in different tables (tables may share declarations, as mDNS and LLMNR share DNS\'s)', () => {
    // Within one table a name may have variants (Wireshark registers e.g. an mDNS class with its own mask).
    const seen = new Map<string, { defs: Set<object>; table: FieldTable }>();
    const dup: string[] = [];
    for (const t of tables)
      for (const def of Object.values(t.fields)) {
        const other = seen.get(def.abbrev);
        if (!other) seen.set(def.abbrev, { defs: new Set([def]), table: t });
        else if (other.table === t) other.defs.add(def);
        else if (!other.defs.has(def)) dup.push(`${def.abbrev} in ${other.table.proto.abbrev} and ${t.proto.abbrev}`);
      }
    expect(dup).toEqual([]);
  });
});
