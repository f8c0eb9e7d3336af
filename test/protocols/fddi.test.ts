import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { bitSwap, fcText, fddi } from '../../src/protocols/fddi.js';
import type { FddiValue } from '../../src/protocols/fddi.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { llc } from '../../src/protocols/llc.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

describe('FDDI against tshark 4.0.17', () => {
  it('dns-inverse-query.pcap: every fddi.* field, frame.protocols and the indicators as tshark prints them', () => {
    const fx = encapFixture('fddi', 'dns-inverse-query.pcap');
    expect(fx.frames.length).toBe(11);
    expect(cellDifferences(fx)).toEqual([]);
  });

  it('shows the addresses bit-swapped (canonical order), each also as hidden fddi.addr and a hidden duplicate', () => {
    const f = encapFixture('fddi', 'dns-inverse-query.pcap').frames[0]!;
    expect(protocolsPath(f)).toBe('fddi:llc:ip:tcp');
    expect(toHex(f.data, 1, 7)).toBe('aa00040083a7');
    expect(layerOf(f, 'fddi').value).toEqual({ fc: 0x50, dst: '55:00:20:00:c1:e5', src: '55:00:20:00:41:e5' });
    expect(labelOf(f, 'fddi')).toBe('Fiber Distributed Data Interface, Async LLC frame, priority 0');
    expect(layerLines(f, 0)).toEqual([
      'Frame Control: 0x50 (Async LLC frame, priority 0)',
      '  0101 .... = Class/Length/Format: Async LLC (0x5)',
      '  .... .000 = Priority: 0',
      'Destination: 55:00:20:00:c1:e5',
      'Source: 55:00:20:00:41:e5',
    ]);
    expect(cellOf(f, 'fddi.dst')).toBe('55:00:20:00:c1:e5,55:00:20:00:c1:e5');
    expect(cellOf(f, 'fddi.addr')).toBe('55:00:20:00:c1:e5,55:00:20:00:c1:e5,55:00:20:00:41:e5,55:00:20:00:41:e5');
    expect(cellOf(f, 'fddi.fc.clf')).toBe('0x05');
  });

  it('names frame control values as tshark does; only asynchronous LLC frames carry LLC', () => {
    expect([0x00, 0x80, 0x41, 0x4f, 0xc2, 0xc3, 0xc5, 0x44, 0x57, 0x5a, 0xd0, 0xd3, 0x61, 0xe2, 0x10].map(fcText)).toEqual([
      'Void frame', 'Nonrestricted token', 'SMT info', 'SMT Next station address', 'MAC beacon', 'MAC claim token', 'MAC frame, control 5',
      'SMT frame, control 4', 'Async LLC frame, priority 7', 'Async LLC frame, control a', 'Sync LLC frame', 'Sync LLC frame, control 3',
      'Implementor async frame, control 1', 'Implementor sync frame, control 2', 'Unknown frame type',
    ]);
    const smt = build([layer(fddi, { fc: 0x41 })], new Uint8Array(8));
    const f = dissectOne(smt, 10);
    expect(protocolsPath(f)).toBe('fddi:data');
    expect(summaryColumns(f, ORACLE_PREFS, 6).info).toBe('SMT info');
    expect(layerLines(f, 0).slice(0, 3)).toEqual(['Frame Control: 0x41 (SMT info)', '  0100 .... = Class/Length/Format: SMT (0x4)', '  .... 0001 = SMT Subtype: Info (1)']);
  });

  it('reports every truncation and never throws; rebuilds every frame', () => {
    const frames = encapFixture('fddi', 'dns-inverse-query.pcap').frames;
    expect(everyPrefix(frames, 'fddi')).toBeGreaterThan(1000);
    expect(rebuildsAll(frames, 'fddi')).toBe(11);
    const cut = dissectOne(frames[0]!.data.slice(0, 9), 10);
    expect(cut.problems).toEqual([expect.objectContaining({ layer: 'fddi', code: 'truncated', field: 'fddi.src', expected: 13, actual: 9 })]);
  });

  it('crafts FDDI/LLC/IPv4 with the addresses written in ring order', () => {
    const b = build([layer(fddi, { dst: '55:00:20:00:c1:e5', src: '02:00:00:00:00:01' }), layer(llc, {}), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(toHex(b, 0, 21)).toBe('50aa00040083a7400000000080aaaa030000000800');
    expect(protocolsPath(dissectOne(b, 10))).toBe('fddi:llc:ip');
    expect(() => encodeAlone(fddi, { fc: 256 })).toThrow(/fddi\.fc/);
    expect(() => encodeAlone(fddi, { dst: 'nope' })).toThrow(/fddi\.dst/);
  });

  it('property: bit swapping is its own inverse; decode(encode(v)) gives v back', () => {
    const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((a) => [...a].map((x) => x.toString(16).padStart(2, '0')).join(':'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), mac, mac, fc.uint8Array({ maxLength: 30 }), (fcv, dst, src, payload) => {
        const input = { fc: fcv, dst, src };
        const bytes = encodeAlone(fddi, input, payload);
        expect(bitSwap(bitSwap(bytes))).toEqual(bytes);
        const r = fddi.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(r.value as FddiValue).toEqual(input);
        expect(r.headerEnd).toBe(13);
      }),
    );
  });
});
