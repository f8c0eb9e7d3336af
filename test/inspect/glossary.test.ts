import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { frameTable } from '../../src/dissect/frame.js';
import { defineFields } from '../../src/fields/types.js';
import { baseColumn, fieldLine, glossaryFields, glossaryProtocolLines, glossaryProtocols, knownFieldNames } from '../../src/inspect/glossary.js';
import { wsTable } from '../../src/inspect/expert.js';
import { frameExtraTable } from '../../src/inspect/text.js';
import { ipTable } from '../../src/protocols/ipv4.js';
import { ethTable } from '../../src/protocols/ethernet.js';
import { PROTOCOLS } from '../../src/protocols/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** tshark -G fields rows for our protocols (committed subset): abbrev -> columns. */
const tshark = new Map<string, string[]>();
for (const line of readFileSync(root + 'fixtures/wireshark/fields.tsv', 'utf8').split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const cols = line.split('\t');
  tshark.set(cols[0] === 'P' ? cols[2]! : cols[2]!, cols);
}

describe('-G fields', () => {
  const lines = glossaryFields();

  it('lists each protocol as P then its fields as F with 8 columns', () => {
    expect(lines[0]).toBe('P\tFrame\tframe');
    for (const l of lines) {
      const c = l.split('\t');
      if (c[0] === 'P') expect(c.length).toBe(3);
      else {
        expect(c[0]).toBe('F');
        expect(c.length).toBe(8);
        expect(c[3]).toMatch(/^FT_/);
        expect(c[6]).toMatch(/^0x[0-9a-f]+$/);
      }
    }
    expect(lines).toContain('P\tInternet Protocol Version 4\tip');
  });

  it("writes type, base and bitmask as tshark's glossary does for the same fields", () => {
    const check = (abbrev: string): void => {
      const ours = lines.find((l) => l.split('\t')[2] === abbrev)!.split('\t');
      const theirs = tshark.get(abbrev)!;
      expect(ours[3], abbrev).toBe(theirs[3]);
      expect(ours[4], abbrev).toBe(theirs[4]);
      expect(ours[5], abbrev).toBe(theirs[5]);
      expect(ours[6], abbrev).toBe(theirs[6]);
    };
    for (const a of ['ip.ttl', 'ip.checksum', 'ip.flags', 'ip.flags.df', 'ip.frag_offset', 'eth.dst', 'eth.dst.lg', 'eth.type', 'ip.src', 'frame.number', 'frame.time', 'frame.protocols', 'frame.offset_shift', 'frame.section_number', 'frame.marked', 'data.data']) check(a);
  });

  it('base column: integer bases, boolean container widths, empty for other types', () => {
    expect(baseColumn(ipTable.fields.ttl)).toBe('BASE_DEC');
    expect(baseColumn(ipTable.fields.checksum_status)).toBe('BASE_NONE');
    expect(baseColumn(ipTable.fields.df)).toBe('8');
    expect(baseColumn(ethTable.fields.dst_lg)).toBe('24');
    expect(baseColumn(frameTable.fields.marked)).toBe('0');
    expect(baseColumn(ipTable.fields.src)).toBe('');
    const t = defineFields({ abbrev: 'x', name: 'X', desc: '' }, { b: { abbrev: 'x.b', name: 'B', type: 'BOOLEAN', bitmask: 0x8000, desc: 'd' } });
    expect(baseColumn(t.fields.b)).toBe('16');
    expect(fieldLine(t.fields.b, 'x')).toBe('F\tB\tx.b\tFT_BOOLEAN\tx\t16\t0x8000\td');
  });

  it('comes from the tables: the frame, every protocol of PROTOCOLS, the expert table, nothing else', () => {
    const names = knownFieldNames();
    const expected = new Set<string>(['frame', '_ws.expert']);
    for (const t of [frameTable, frameExtraTable, wsTable, ...PROTOCOLS.map((p) => p.table)]) {
      expected.add(t.proto.abbrev);
      for (const d of Object.values(t.fields)) expected.add(d.abbrev);
    }
    expect(names).toEqual(expected);
    const abbrevs = lines.map((l) => l.split('\t')[l.startsWith('P') ? 2 : 2]);
    expect(new Set(abbrevs).size).toBe(abbrevs.length);
    expect(glossaryProtocols().map((g) => g.abbrev)[0]).toBe('frame');
    expect(glossaryProtocols().map((g) => g.abbrev).at(-1)).toBe('_ws.expert');
  });

  it("declares only names tshark knows (fixtures/wireshark/fields.tsv), with tshark's types (the other tables are checked by test/fields/names.test.ts)", () => {
    for (const d of Object.values(frameExtraTable.fields)) {
      expect(tshark.has(d.abbrev), d.abbrev).toBe(true);
      expect(tshark.get(d.abbrev)![3], d.abbrev).toBe(`FT_${d.type}`);
    }
  });

});

describe('-G protocols', () => {
  it('writes name, short name and filter name', () => {
    const lines = glossaryProtocolLines();
    expect(lines[0]).toBe('Frame\tFrame\tframe');
    expect(lines).toContain('User Datagram Protocol\tUDP\tudp');
    expect(lines).toContain('Internet Protocol Version 4\tIPv4\tip');
  });
});
