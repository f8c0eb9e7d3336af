/**
 * `-T fields` and display filters build only the parts of the field tree that can hold the fields they read
 * (partialTree in src/inspect/tree.ts). Proven equal to the general path over every frame of every committed
 * capture: the prefixes declared per protocol cover every node its tree makes, collecting any set of names from
 * the partial tree gives what collecting from the whole tree gives, and filters match the same frames.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { compileFilter, fieldIndex, frameAccessor, matchFrame } from '../../src/filter/index.js';
import type { FieldNode } from '../../src/fields/types.js';
import { collectFields, DEFAULT_FIELDS_OPTIONS, fieldCell, fieldsRow } from '../../src/inspect/fields.js';
import type { FieldsOptions } from '../../src/inspect/fields.js';
import { collect, frameTree, partialTree, TREE_PREFIXES, walk } from '../../src/inspect/tree.js';
import { PROTOCOLS, registerDefaults } from '../../src/protocols/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const captures: string[] = [];
const scan = (d: string): void => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) scan(p);
    else if (/\.(pcap|pcapng|cap)$/.test(e)) captures.push(p);
  }
};
scan(FIXTURES);

/** Up to `max` frames of each committed capture, dissected with the default preferences. */
function* frames(max = 150): Generator<{ file: string; frame: Frame; d: Dissector }> {
  for (const file of captures) {
    const d = new Dissector(registerDefaults());
    let n = 0;
    for (const r of readCapture(new Uint8Array(readFileSync(file)))) {
      if (n++ >= max) break;
      // records are views valid until the next one: keep a copy
      yield { file, frame: d.dissect({ ...r, data: r.data.slice() }), d };
    }
  }
}

const ALL: { file: string; frame: Frame; d: Dissector; names: string[] }[] = [];
for (const x of frames()) {
  const names = new Set<string>();
  walk(frameTree(x.frame, x.d.prefs), (n) => names.add(n.def.abbrev));
  ALL.push({ ...x, names: [...names] });
}

const shape = (m: Map<string, FieldNode[]>): unknown => [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, ns]) => [k, ns.map((n) => [n.def.abbrev, n.start, n.len, n.value instanceof Uint8Array ? [...n.value] : n.value, n.text, n.hidden, n.generated])]);

const OPTS: FieldsOptions[] = [
  DEFAULT_FIELDS_OPTIONS,
  { ...DEFAULT_FIELDS_OPTIONS, occurrence: 'f', separator: ',', quote: '"' },
  { ...DEFAULT_FIELDS_OPTIONS, occurrence: 'l', aggregator: ';' },
];

describe('partial field trees', () => {
  it('reads the committed captures', () => {
    expect(captures.length).toBeGreaterThan(50);
    expect(ALL.length).toBeGreaterThan(1000);
  });

  it("every node of a listed protocol's tree matches one of its prefixes", () => {
    const bad = new Set<string>();
    for (const { file, frame, d } of ALL) {
      const tree = frameTree(frame, d.prefs);
      frame.layers.forEach((l, i) => {
        const prefixes = TREE_PREFIXES[l.proto.name];
        if (!prefixes) return;
        walk([tree[i + 1]!], (n) => {
          if (!prefixes.some((p) => n.def.abbrev.startsWith(p))) bad.add(`${l.proto.name} emits ${n.def.abbrev} (${file.slice(FIXTURES.length)} #${frame.number})`);
        });
      });
    }
    expect([...bad].slice(0, 20)).toEqual([]);
  });

  it('collecting any names from the partial tree == from the whole tree; -T fields rows equal', () => {
    const every = [...new Set(ALL.flatMap((x) => x.names))].sort();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ALL.length - 1 }), fc.array(fc.oneof(fc.constantFrom(...every), fc.constantFrom('ip.src', 'dns.qry.name', 'frame.number', '_ws.malformed', 'eth', 'tcp', 'nosuch.field')), { minLength: 1, maxLength: 6 }), (i, list) => {
        const { frame, d, names: own } = ALL[i]!;
        // names from this frame too, so that most sets find something
        const names = new Set([...list, ...own.filter((_, k) => k % 7 === list.length)]);
        const whole = collect(frameTree(frame, d.prefs), names);
        const part = collect(partialTree(frame, d.prefs, names), names);
        expect(shape(part)).toEqual(shape(whole));
        const fields = [...names];
        for (const opts of OPTS) {
          const general = fields.map((f) => fieldCell(whole.get(f), opts)).join(opts.separator);
          expect(fieldsRow(frame, d.prefs, fields, names, opts)).toBe(general);
        }
        // the values path (extractors): same fields, values and order as the tree
        const fast = collectFields(frame, d.prefs, names);
        const vals = (m: Map<string, FieldNode[]>): unknown => [...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, ns]) => [k, ns.map((n) => [n.def.abbrev, n.value instanceof Uint8Array ? [...n.value] : n.value, n.def.type === 'PROTOCOL' ? n.text : undefined])]);
        expect(vals(fast)).toEqual(vals(whole));
      }),
      { numRuns: 3000 },
    );
  });

  it('the fields with extractors, alone and mixed with others, on every frame', () => {
    const sets = [
      ['ip.src', 'ip.dst', 'tcp.srcport', 'udp.srcport', 'dns.qry.name'],
      ['ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'dns.qry.name'],
      ['dns.qry.name', 'dns.a', 'ip.ttl', 'ip.src'],
      ['tcp.dstport', 'tcp.seq', 'udp.dstport', 'udp.length'],
      ['ip', 'ip.src', 'dns', 'dns.qry.name', 'frame.number', '_ws.malformed'],
    ];
    for (const fields of sets) {
      const names = new Set(fields);
      for (const { frame, d } of ALL) {
        const whole = collect(frameTree(frame, d.prefs), names);
        for (const opts of OPTS) {
          const general = fields.map((f) => fieldCell(whole.get(f), opts)).join(opts.separator);
          expect(fieldsRow(frame, d.prefs, fields, names, opts)).toBe(general);
        }
      }
    }
  });

  it('the fields with extractors on every truncation of frames that carry them', () => {
    const fields = ['ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'dns.qry.name', 'ip.ttl', 'dns.id'];
    const names = new Set(fields);
    // a few frames of each kind of layer stack
    const picked = new Map<string, Frame>();
    for (const { frame } of ALL) {
      const key = frame.layers.map((l) => l.proto.name).join(':') + (frame.layers.some((l) => l.proto.name === 'dns' && (l.value as { length?: number }).length !== undefined) ? ':tcplen' : '');
      if (!/ip|tcp|udp|dns/.test(key) || (picked.has(key) && picked.size > 60)) continue;
      if (!picked.has(key)) picked.set(key, frame);
    }
    expect(picked.size).toBeGreaterThan(10);
    let checked = 0;
    for (const frame of picked.values()) {
      const full = frame.record.data;
      for (let len = 0; len <= Math.min(full.length, 200); len++) {
        const d = new Dissector(registerDefaults());
        const f = d.dissect({ ...frame.record, data: full.slice(0, len) });
        const whole = collect(frameTree(f, d.prefs), names);
        const general = fields.map((x) => fieldCell(whole.get(x), DEFAULT_FIELDS_OPTIONS)).join('\t');
        expect(fieldsRow(f, d.prefs, fields, names, DEFAULT_FIELDS_OPTIONS)).toBe(general);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('display filters match the same frames as over the whole tree', () => {
    const index = fieldIndex(PROTOCOLS);
    const filters = [
      'dns.qry.name contains "a"',
      'ip.src == 192.168.0.0/16 || ipv6.src',
      'tcp.port == 80 && tcp.len > 0',
      'udp.length < 100 and !dns',
      'eth.addr == ff:ff:ff:ff:ff:ff',
      'ip.ttl > 60 && ip.flags.df == 1',
      'dns.flags.response == 1 && dns.count.answers > 1',
      'dhcp.option.dhcp == 1 || arp.opcode == 2',
      'icmp || icmpv6.type == 135',
      'frame.len > 100 && data.len > 10',
      'frame.number > 5 && tcp',
      'tcp.options.mss_val == 1460',
      'ip.addr == 10.0.0.1 or ipv6.addr == ::1',
      'vlan.id == 10 or eth.type == 0x86dd',
      'ip[0] == 0x45 and tcp.flags.syn == 1',
      'dns && !(udp.port == 53)',
    ].map((t) => compileFilter(t, index));
    for (const { frame, d } of ALL) {
      for (const f of filters) {
        const general = f.match(frameAccessor(frame, d.prefs, f.index));
        if (matchFrame(f, frame, d.prefs) !== general) throw new Error(`${f.text} on frame ${frame.number}: partial ${!general}, whole ${general}`);
      }
    }
  });
});
