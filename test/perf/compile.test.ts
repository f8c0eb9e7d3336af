/**
 * The field-table compiler's generated reader (src/fields/compile.ts) against the table-walking reader it replaces:
 * for every field table the sources export and for random tables, over random bytes, offsets and ends (short
 * headers included), both put the same values under the same keys in the same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileHeader } from '../../src/fields/compile.js';
import type { FieldDef, FieldTable, FieldType } from '../../src/fields/types.js';

const modules = import.meta.glob('../../src/**/*.ts', { eager: true }) as Record<string, Record<string, unknown>>;

const isTable = (x: unknown): x is FieldTable =>
  typeof x === 'object' && x !== null && 'proto' in x && 'fields' in x && typeof (x as FieldTable).proto?.abbrev === 'string';

const tables: [string, FieldTable][] = [];
for (const [path, mod] of Object.entries(modules)) {
  for (const [name, v] of Object.entries(mod)) if (isTable(v)) tables.push([`${path.replace(/^.*src\//, '')}:${name}`, v]);
}

/** Same keys, in the same order, with equal values (byte views compared by content and position). */
function same(a: Record<string, unknown>, b: Record<string, unknown>): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) {
    const x = a[k];
    const y = b[k];
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      expect([...x]).toEqual([...y]);
      expect(x.byteOffset).toBe(y.byteOffset);
    } else expect(x).toStrictEqual(y);
  }
}

function check(table: FieldTable, bytes: Uint8Array, off: number, end: number): void {
  const fast = compileHeader(table);
  const slow = compileHeader(table, 'generic');
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = {};
  fast.read(bytes, off, end, a);
  slow.read(bytes, off, end, b);
  same(a, b);
  // creator: the literal it makes == the initial keys, then read() into them (also when a key is a table key)
  const keys = Object.keys(table.fields);
  for (const init of [[], ['options', 'checksumStatus'], keys.slice(0, 2), ['zz', ...keys.slice(-1)]]) {
    const vals = init.map((k, i) => (i % 2 ? `v${k}` : [i]));
    const made = fast.creator(init)(bytes, off, end, ...vals);
    const ref: Record<string, unknown> = {};
    init.forEach((k, i) => (ref[k] = vals[i]));
    slow.read(bytes, off, end, ref);
    same(made, ref);
    same(slow.creator(init)(bytes, off, end, ...vals), ref);
  }
}

const input = fc
  .tuple(fc.uint8Array({ minLength: 0, maxLength: 120 }), fc.nat(), fc.nat())
  .map(([bytes, o, e]) => {
    const off = bytes.length ? o % (bytes.length + 1) : 0;
    const end = off + (e % (bytes.length - off + 1));
    return { bytes, off, end };
  });

describe('compiled reader == generic reader', () => {
  it('finds the tables', () => {
    expect(tables.length).toBeGreaterThan(15);
    expect(tables.some(([n]) => n.endsWith(':ipTable'))).toBe(true);
  });

  it.each(tables)('%s', (_name, table) => {
    fc.assert(
      fc.property(input, ({ bytes, off, end }) => check(table, bytes, off, end)),
      { numRuns: 150 },
    );
    // the whole header at offset 0, all ones and all zeros
    for (const fill of [0, 0xff]) {
      const b = new Uint8Array(80).fill(fill);
      check(table, b, 0, b.length);
      check(table, b, 3, 3);
    }
  });

  const INT_TYPES: FieldType[] = ['UINT8', 'UINT16', 'UINT24', 'UINT32', 'UINT40', 'UINT48', 'UINT64', 'INT8', 'INT16', 'INT32', 'BOOLEAN', 'CHAR'];
  const fieldArb = fc.oneof(
    fc.record({
      type: fc.constantFrom(...INT_TYPES),
      offset: fc.integer({ min: 0, max: 24 }),
      width: fc.integer({ min: 1, max: 6 }),
      bitmask: fc.option(fc.integer({ min: 1, max: 2 ** 32 - 1 }), { nil: undefined }),
      scale: fc.option(fc.constantFrom(4, 8, 2), { nil: undefined }),
    }),
    fc.record({
      type: fc.constantFrom<FieldType>('IPv4', 'IPv6', 'ETHER', 'BYTES', 'NONE'),
      offset: fc.integer({ min: 0, max: 24 }),
      width: fc.constantFrom(4, 6, 16, 8),
    }),
  );

  it('random tables (any offsets, widths, masks, scales)', () => {
    fc.assert(
      fc.property(fc.array(fieldArb, { minLength: 1, maxLength: 12 }), input, (defs, { bytes, off, end }) => {
        const fields: Record<string, FieldDef> = {};
        defs.forEach((d, i) => {
          const def = { abbrev: `t.f${i}`, name: `F${i}`, desc: '', ...d } as FieldDef & { bitmask?: number; scale?: number };
          if (def.bitmask === undefined) delete def.bitmask;
          if (def.scale === undefined) delete def.scale;
          // a mask must fit its container
          if (def.bitmask !== undefined && def.width !== undefined && def.width < 4) (def as { bitmask?: number }).bitmask = def.bitmask % 2 ** (def.width * 8) || 1;
          fields[`f${i}`] = def;
        });
        check({ proto: { abbrev: 't', name: 'T', type: 'PROTOCOL', desc: '' }, fields }, bytes, off, end);
      }),
      { numRuns: 500 },
    );
  });
});
