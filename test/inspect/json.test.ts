process.env.TZ = 'UTC';

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import type { FieldNode } from '../../src/fields/types.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { dataTable } from '../../src/protocols/data.js';
import { ipTable } from '../../src/protocols/ipv4.js';
import {
  JsonWriter,
  compactJson,
  ftNumber,
  indexName,
  isTextOnly,
  jsonString,
  jsonValue,
  packetEk,
  packetJson,
  prettyJson,
  textKey,
} from '../../src/inspect/json.js';
import type { JObject, JValue } from '../../src/inspect/json.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function frames(path: string): Frame[] {
  const d = new Dissector(registerDefaults());
  return [...readCapture(new Uint8Array(readFileSync(root + path)))].map((r) => d.dissect(r));
}

/** Members of an object as [key, value] pairs (duplicates kept). */
function member(o: JValue | undefined, key: string): JValue[] {
  if (!o || typeof o !== 'object' || !('members' in o)) return [];
  return o.members.filter(([k]) => k === key).map(([, v]) => v);
}

function layersOf(p: JObject): JObject {
  return member(member(p, '_source')[0], 'layers')[0] as JObject;
}

describe('JSON text as json_dumper writes it', () => {
  it('escapes quotes, backslashes, control characters and </', () => {
    expect(jsonString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(jsonString('\n\t\r\b\f\u0001')).toBe('"\\n\\t\\r\\b\\f\\u0001"');
    expect(jsonString('</script>')).toBe('"<\\/script>"');
    expect(jsonString('a/b')).toBe('"a/b"');
    expect(jsonString('ip.src', true)).toBe('"ip_src"');
  });

  it('pretty-prints with 2 spaces, one array element per line, {} and [] when empty, repeated keys kept', () => {
    const v: JObject = { members: [['a', '1'], ['a', '2'], ['raw', ['ff', 0, 1, 0, 4]], ['e', { members: [] }], ['n', null], ['l', []]] };
    const lines: string[] = [];
    prettyJson(v, 0, lines, '', '');
    expect(lines).toEqual(['{', '  "a": "1",', '  "a": "2",', '  "raw": [', '    "ff",', '    0,', '    1,', '    0,', '    4', '  ],', '  "e": {},', '  "n": null,', '  "l": []', '}']);
    expect(compactJson(v, true)).toBe('{"a":"1","a":"2","raw":["ff",0,1,0,4],"e":{},"n":null,"l":[]}');
  });

  it('numbers field types as Wireshark 4.0 does', () => {
    expect(ftNumber('PROTOCOL')).toBe(1);
    expect(ftNumber('BOOLEAN')).toBe(2);
    expect(ftNumber('UINT8')).toBe(4);
    expect(ftNumber('UINT16')).toBe(5);
    expect(ftNumber('UINT24')).toBe(6);
    expect(ftNumber('STRING')).toBe(26);
    expect(ftNumber('ETHER')).toBe(29);
    expect(ftNumber('BYTES')).toBe(30);
    expect(ftNumber('IPv4')).toBe(32);
  });

  it('prints values as -T fields does, bytes with colons, nothing for protocols', () => {
    expect(jsonValue(dataTable.fields.data, new Uint8Array([0x52, 0x8e, 1]))).toBe('52:8e:01');
    expect(jsonValue(ipTable.fields.checksum, 0xd2a9)).toBe('0xd2a9');
    expect(jsonValue(ipTable.fields.df, true)).toBe('1');
    expect(jsonValue(ipTable.proto, null)).toBeNull();
  });

  it('keys text-only nodes by their label, without the brackets of generated ones', () => {
    const opt: FieldNode = { def: ipTable.proto, start: 20, len: 4, value: null, text: 'Options: (4 bytes), Router Alert' };
    expect(isTextOnly(opt, 1, 'ip')).toBe(true);
    expect(isTextOnly(opt, 0, undefined)).toBe(false);
    expect(isTextOnly({ def: dataTable.proto, start: 0, len: 1, value: null }, 1, 'icmp')).toBe(false);
    expect(textKey(opt, new Uint8Array(0))).toBe('Options: (4 bytes), Router Alert');
    expect(textKey({ def: ipTable.proto, start: 0, len: 0, value: null, text: '[Timestamps]', generated: true }, new Uint8Array(0))).toBe('Timestamps');
  });
});

describe('-T json packets', () => {
  const f = frames('fixtures/cli/udp-packet.pcap')[0]!;

  it('has tshark envelope: _index from the local date, _type, _score null, layers in order', () => {
    const p = packetJson(f, DEFAULT_PREFS);
    expect(p.members.map(([k]) => k)).toEqual(['_index', '_type', '_score', '_source']);
    expect(indexName(f)).toBe('packets-2020-03-12');
    expect(layersOf(p).members.map(([k]) => k)).toEqual(['frame', 'eth', 'ip', 'udp', 'data']);
  });

  it('writes repeated fields as repeated keys, and name then name_tree for a node with children', () => {
    const ip = member(layersOf(packetJson(f, DEFAULT_PREFS)), 'ip')[0] as JObject;
    expect(member(ip, 'ip.addr')).toEqual(['127.0.0.1', '127.0.0.1']);
    const keys = ip.members.map(([k]) => k);
    expect(keys.indexOf('ip.dsfield_tree')).toBe(keys.indexOf('ip.dsfield') + 1);
    expect(member(member(ip, 'ip.dsfield_tree')[0], 'ip.dsfield.dscp')).toEqual(['0']);
  });

  it('-x adds [hex, offset, length, bitmask, type] before each value (bit fields as their value in hex)', () => {
    const layers = layersOf(packetJson(f, DEFAULT_PREFS, { hex: true }));
    expect(member(layers, 'frame_raw')[0]).toEqual([
      '000000000000000000000000080045000022478740' + '00ff1136417f0000017f00000130397a69000efe2131323334350a',
      0,
      48,
      0,
      1,
    ]);
    const eth = member(layers, 'eth')[0] as JObject;
    expect(member(eth, 'eth.dst_raw')[0]).toEqual(['000000000000', 0, 6, 0, 29]);
    expect(member(member(eth, 'eth.dst_tree')[0], 'eth.dst.lg_raw')[0]).toEqual(['0', 0, 3, 131072, 2]);
    // fields of length 0 (the frame's) get no _raw
    expect(member(member(layers, 'frame')[0], 'frame.number_raw')).toEqual([]);
  });

  it('-j keeps listed subtrees only, -J keeps everything under a listed name', () => {
    const j = layersOf(packetJson(f, DEFAULT_PREFS, { filter: new Set(['ip']) }));
    expect(member(j, 'eth')[0]).toEqual({ members: [['filtered', 'eth']] });
    const ip = member(j, 'ip')[0] as JObject;
    expect(member(ip, 'ip.ttl')).toEqual(['255']);
    expect(member(ip, 'ip.dsfield_tree')[0]).toEqual({ members: [['filtered', 'ip.dsfield']] });
    const jj = layersOf(packetJson(f, DEFAULT_PREFS, { filter: new Set(['ip']), includeChildren: true }));
    expect(member(member(member(jj, 'ip')[0], 'ip.dsfield_tree')[0], 'ip.dsfield.ecn')).toEqual(['0']);
  });

  it('streams [ packets separated by commas ] and [] for none, parseable JSON', () => {
    const w = new JsonWriter();
    const fs = frames('fixtures/cli/udp-packet.pcap');
    const lines = [...fs.flatMap((x) => w.packet(x, DEFAULT_PREFS)), ...w.end()];
    expect(lines[0]).toBe('[');
    expect(lines[lines.length - 1]).toBe(']');
    expect(lines.filter((l) => l === '  },').length).toBe(fs.length - 1);
    const parsed = JSON.parse(lines.join('\n')) as unknown[];
    expect(parsed.length).toBe(fs.length);
    expect(new JsonWriter().end()).toEqual(['[]']);
  });
});

describe('-T ek lines', () => {
  const f = frames('fixtures/cli/udp-packet.pcap')[0]!;

  it('has the bulk index line then the document with timestamp in milliseconds', () => {
    const [head, doc] = packetEk(f, DEFAULT_PREFS);
    expect(head).toBe('{"index":{"_index":"packets-2020-03-12","_type":"doc"}}');
    const d = JSON.parse(doc!) as { timestamp: string; layers: Record<string, Record<string, unknown>> };
    expect(d.timestamp).toBe('1584014617531');
    expect(Object.keys(d.layers)).toEqual(['frame', 'eth', 'ip', 'udp', 'data']);
  });

  it('flattens fields as proto_field, repeats as arrays, booleans as true/false, times as ISO', () => {
    const d = JSON.parse(packetEk(f, DEFAULT_PREFS)[1]!) as { layers: Record<string, Record<string, unknown>> };
    expect(d.layers['ip']!['ip_ip_addr']).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(d.layers['ip']!['ip_ip_flags_df']).toBe(true);
    expect(d.layers['ip']!['ip_ip_dsfield_dscp']).toBe('0');
    expect(d.layers['frame']!['frame_frame_time']).toBe('2020-03-12T12:03:37.531081000Z');
    expect(d.layers['frame']!['frame_frame_marked']).toBe(false);
  });

  it('-x puts name_raw before name; -j filters fields too', () => {
    const x = packetEk(f, DEFAULT_PREFS, { hex: true })[1]!;
    expect(x).toContain('"eth_raw":"00000000000000000000000008004500","eth":{"eth_eth_dst_raw":"000000000000","eth_eth_dst":"00:00:00:00:00:00"'.replace('08004500', '0800'));
    const j = JSON.parse(packetEk(f, DEFAULT_PREFS, { filter: new Set(['eth']) })[1]!) as { layers: Record<string, unknown> };
    expect(j.layers['ip']).toEqual({ filtered: 'ip' });
    expect((j.layers['eth'] as Record<string, unknown>)['eth_eth_type']).toEqual({ filtered: 'eth.type' });
    const jj = JSON.parse(packetEk(f, DEFAULT_PREFS, { filter: new Set(['eth']), includeChildren: true })[1]!) as { layers: Record<string, Record<string, unknown>> };
    expect(jj.layers['eth']!['eth_eth_type']).toBe('0x0800');
  });
});
