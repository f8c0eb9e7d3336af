import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ORACLE_PREFS } from '../../src/dissect/prefs.js';
import { summaryColumns } from '../../src/inspect/summary.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { ppp } from '../../src/protocols/ppp.js';
import { pppoed, pppoes } from '../../src/protocols/pppoe.js';
import type { PppoeInput, PppoeValue } from '../../src/protocols/pppoe.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['zeek-pppoe.pcap', 'pppoe.pcap'];
const te = new TextEncoder();

describe('PPPoE discovery and session against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every pppoe.* / pppoed.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('pppoe', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('decodes a PADO with its tags; the Info column names the code and the AC-Name', () => {
    const f = encapFixture('pppoe', 'zeek-pppoe.pcap').frames[1]!;
    expect(protocolsPath(f)).toBe('eth:ethertype:pppoed');
    const v = layerOf(f, 'pppoed').value as PppoeValue;
    expect(v).toMatchObject({ version: 1, type: 1, code: 0x07, sessionId: 0, payloadLength: 40 });
    expect(v.tags!.map((t) => t.type)).toEqual([0x0101, 0x0103, 0x0102, 0x0104]);
    expect(v.tags![0]!.value.length).toBe(0); // an empty Service-Name (any service): tshark shows nothing for it
    expect(labelOf(f, 'pppoed')).toBe('PPP-over-Ethernet Discovery');
    expect(layerLines(f, 1)).toEqual([
      '0001 .... = Version: 1',
      '.... 0001 = Type: 1',
      'Code: Active Discovery Offer (PADO) (0x07)',
      'Session ID: 0x0000',
      'Payload Length: 40',
      'PPPoE Tags',
      '  Host-Uniq: 64138518',
      '  AC-Name: BRAS',
      '  AC-Cookie: 3d0f0587062484f2df32b9ddfd77bd5b',
    ]);
    expect(summaryColumns(f, ORACLE_PREFS, 6).info).toBe("Active Discovery Offer (PADO) AC-Name='BRAS'");
  });

  it('decodes a session: header, then PPP (protocol field only) and what it carries', () => {
    const fx = encapFixture('pppoe', 'zeek-pppoe.pcap');
    const f = fx.frames.find((x) => protocolsPath(x).includes('pppoes:ppp:ipv6:'))!;
    expect(layerOf(f, 'pppoes').value).toMatchObject({ version: 1, type: 1, code: 0 });
    expect(layerOf(f, 'ppp').value).toEqual({ protocol: 0x0057, protocolLength: 2 });
    expect(labelOf(f, 'pppoes')).toBe('PPP-over-Ethernet Session');
    expect(cellOf(f, 'pppoe.code')).toBe('0x00');
  });

  it('reports every truncation and never throws; a payload length past the frame is a warning; rebuilds every frame', () => {
    const frames = FILES.flatMap((n) => encapFixture('pppoe', n).frames);
    expect(everyPrefix([frames[1]!, frames[20]!, frames[frames.length - 1]!], 'pppoed') + everyPrefix([frames[20]!], 'pppoes')).toBeGreaterThan(300);
    expect(rebuildsAll(frames, 'pppoed') + rebuildsAll(frames, 'pppoes')).toBe(66);
    const long = build([layer(ethernet, { padding: new Uint8Array(0) }), layer(pppoes, { payloadLength: 200, sessionId: 3 }), layer(ppp, {}), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    const f = dissectOne(long, 1);
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'pppoes', code: 'bad-length', severity: 'warning', field: 'pppoe.payload_length' })]);
    expect(protocolsPath(f)).toBe('eth:ethertype:pppoes:ppp:ip');
  });

  it('crafts a session (EtherType 0x8864, PPP 0x0021 from IPv4) and a PADI with tags', () => {
    const s = build([layer(ethernet, { padding: new Uint8Array(0) }), layer(pppoes, { sessionId: 0x1234 }), layer(ppp, {}), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(toHex(s, 12, 22)).toBe('886411001234001600' + '21');
    const d = build([layer(ethernet, {}), layer(pppoed, { tags: [{ type: 0x0101, value: new Uint8Array(0) }, { type: 0x0103, value: te.encode('ab') }] })]);
    const f = dissectOne(d, 1);
    expect(protocolsPath(f)).toBe('eth:ethertype:pppoed');
    expect(cellOf(f, 'pppoed.tags.host_uniq')).toBe('6162');
    expect(summaryColumns(f, ORACLE_PREFS, 6).info).toBe('Active Discovery Initiation (PADI)');
    expect(() => encodeAlone(pppoes, { sessionId: 0x10000 })).toThrow(/pppoe\.session_id/);
  });

  it('property: decode(encode(v)) gives v back (discovery with any tags, session with any payload)', () => {
    const tag = fc.record({ type: fc.integer({ min: 0, max: 0xffff }), value: fc.uint8Array({ maxLength: 12 }) });
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.array(tag, { maxLength: 4 }), fc.uint8Array({ minLength: 1, maxLength: 20 }), (discovery, code, sessionId, tags, payload) => {
        const p = discovery ? pppoed : pppoes;
        const input: PppoeInput = discovery ? { version: 1, type: 1, code, sessionId, tags } : { version: 1, type: 1, code, sessionId };
        const bytes = encodeAlone(p, input, discovery ? new Uint8Array(0) : payload);
        const r = p.decode(bytes, 0, bytes.length, { frame: bytes, layers: [], problems: [], prefs: ORACLE_PREFS, wireLen: bytes.length, fcsLen: 0, inError: false });
        expect(p.toInput!({ proto: p, start: 0, headerEnd: r.headerEnd, end: r.end, value: r.value }, bytes)).toEqual(input);
      }),
    );
  });
});
