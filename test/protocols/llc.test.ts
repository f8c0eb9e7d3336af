import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/core/bytes.js';
import { build, layer } from '../../src/craft/build.js';
import { protocolsPath } from '../../src/dissect/frame.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { controlText, isInformation, llc } from '../../src/protocols/llc.js';
import type { LlcValue } from '../../src/protocols/llc.js';
import { vlan } from '../../src/protocols/vlan.js';
import { dissectOne } from './link-helpers.js';
import { cellDifferences, cellOf, encapFixture, encodeAlone, everyPrefix, labelOf, layerLines, layerOf, rebuildsAll } from './encap-helpers.js';

const FILES = ['snap-tcp.pcap', 'llc.pcap', 'MSTP_Intra-Region_BPDUs.pcap'];

describe('IEEE 802.2 LLC / SNAP against tshark 4.0.17', () => {
  for (const name of FILES) {
    it(`${name}: every llc.* field, frame.protocols and the indicators as tshark prints them`, () => {
      const fx = encapFixture('llc', name);
      expect(fx.frames.length).toBe(fx.rows.length);
      expect(cellDifferences(fx)).toEqual([]);
    });
  }

  it('decodes SNAP with OUI 00:00:00 as an EtherType and hands the payload to IPv4', () => {
    const f = encapFixture('llc', 'snap-tcp.pcap').frames[0]!;
    expect(protocolsPath(f)).toBe('eth:llc:ip:tcp');
    expect(layerOf(f, 'llc').value).toEqual({ dsap: 0xaa, ssap: 0xaa, control: 0x03, controlLength: 1, oui: 0, pid: 0x0800 });
    expect(labelOf(f, 'eth')).toBe('IEEE 802.3 Ethernet ');
    // tshark -V, word for word (its manufacturer name of 00:00:00 is cut off, parenthesis included)
    expect(layerLines(f, 1)).toEqual([
      'DSAP: SNAP (0xaa)',
      '  1010 101. = SAP: SNAP',
      '  .... ...0 = IG Bit: Individual',
      'SSAP: SNAP (0xaa)',
      '  1010 101. = SAP: SNAP',
      '  .... ...0 = CR Bit: Command',
      'Control field: U, func=UI (0x03)',
      '  000. 00.. = Command: Unnumbered Information (0x00)',
      '  .... ..11 = Frame type: Unnumbered frame (0x3)',
      'Organization Code: 00:00:00 (Officially Xerox, but',
      'Type: IPv4 (0x0800)',
    ]);
    expect(cellOf(f, 'llc.type')).toBe('0x0800');
    expect(cellOf(f, 'llc.control.ftype')).toBe('0x03');
  });

  it('reads 2-byte little-endian control fields of supervisory and information frames', () => {
    const fx = encapFixture('llc', 'llc.pcap');
    const s = fx.frames[5]!; // S P, func=RR
    expect(layerOf(s, 'llc').value).toMatchObject({ dsap: 0xf0, ssap: 0xf0, control: 0x0101, controlLength: 2 });
    expect(layerLines(s, 1).slice(6)).toEqual([
      'Control field: S P, func=RR, N(R)=0 (0x0101)',
      '  0000 000. .... .... = N(R): 0',
      '  .... ...1 .... .... = Poll: Set',
      '  .... .... .... 00.. = Supervisory frame type: Receiver ready (0x0)',
      '  .... .... .... ..01 = Frame type: Supervisory frame (0x1)',
    ]);
    const i = fx.frames[9]!; // I P, N(R)=0, N(S)=0, NetBIOS inside
    expect(layerLines(i, 1)[6]).toBe('Control field: I P, N(R)=0, N(S)=0 (0x0100)');
    expect(protocolsPath(i)).toBe('eth:llc:data');
    // An unnumbered SABME carries nothing to hand on.
    const u = fx.frames[1]!;
    expect(layerLines(u, 1)[6]).toBe('Control field: U P, func=SABME (0x7F)');
    // Raw 802.3 frames of Novell IPX (0xffff) are not LLC.
    expect(protocolsPath(fx.frames[2]!)).toBe('eth:data');
  });

  it('names the control functions as tshark does, and only I and UI frames carry a payload', () => {
    expect(controlText(0x03, false)).toBe('U, func=UI');
    expect(controlText(0x73, true)).toBe('U F, func=UA');
    expect(controlText(0xaf, false)).toBe('U, func=XID');
    expect(controlText(0x0c05, false)).toBe('S, func=RNR, N(R)=6');
    expect(controlText(0x0d05, true)).toBe('S F, func=RNR, N(R)=6');
    expect(controlText(0x0402, false)).toBe('I, N(R)=2, N(S)=1');
    expect([0x03, 0x13, 0x0000, 0x0101, 0xaf].map(isInformation)).toEqual([true, false, true, false, false]);
  });

  it('reports every truncation and never throws (every prefix, snaplen-cut and short)', () => {
    const frames = FILES.flatMap((n) => encapFixture('llc', n).frames);
    expect(everyPrefix(frames, 'llc')).toBeGreaterThan(1000);
    const f = dissectOne(fromHex('0180c20000000019b9000001001e4242'), 1, 60);
    expect(f.problems).toEqual([expect.objectContaining({ layer: 'llc', code: 'truncated', field: 'llc.control' })]);
  });

  it('rebuilds every real frame to its bytes', () => {
    const frames = FILES.flatMap((n) => encapFixture('llc', n).frames);
    expect(rebuildsAll(frames, 'llc')).toBe(24);
  });

  it('crafts SNAP around an IPv4 packet (EtherType from the payload) and the 802.3 length around it', () => {
    const b = build([layer(ethernet, { padding: new Uint8Array(0) }), layer(llc, {}), layer(ipv4, { src: '10.0.0.1', dst: '10.0.0.2', proto: 253 })]);
    expect(toHex(b, 12, 22)).toBe('001caaaa030000000800');
    const f = dissectOne(b, 1);
    expect(protocolsPath(f)).toBe('eth:llc:ip');
    expect(f.problems).toEqual([]);
    const t = build([layer(ethernet, {}), layer(vlan, { id: 5 }), layer(llc, { dsap: 0x42, ssap: 0x42 })], new Uint8Array(35));
    expect(protocolsPath(dissectOne(t, 1))).toBe('eth:ethertype:vlan:llc:data');
    expect(() => encodeAlone(llc, { control: 0x1ff })).toThrow(/llc\.control/);
    expect(() => encodeAlone(llc, { dsap: 256 })).toThrow(/llc\.dsap/);
  });

  it('property: decode(encode(v)) gives v back at any offset, SNAP or not, any control field', () => {
    const ctrl = fc.oneof(
      fc.integer({ min: 0, max: 0xff }).map((x) => (x | 3) & 0xff),
      fc.integer({ min: 0, max: 0xffff }).map((x) => x & 0xfffd),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), ctrl, fc.boolean(), fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 5 }), (dsap, ssap, control, snap, oui, pid, payload, prefix) => {
        const input = snap ? { dsap: 0xaa, ssap: 0xaa, control, oui, pid } : { dsap: dsap === 0xaa ? 0xab : dsap, ssap, control };
        const bytes = encodeAlone(llc, input, payload);
        const big = new Uint8Array(prefix.length + bytes.length);
        big.set(prefix);
        big.set(bytes, prefix.length);
        const problems: never[] = [];
        const r = llc.decode(big, prefix.length, big.length, { frame: big, layers: [], problems, prefs: {} as never, wireLen: big.length, fcsLen: 0, inError: false });
        expect(problems).toEqual([]);
        const v = r.value as LlcValue;
        expect(llc.toInput!({ proto: llc, start: prefix.length, headerEnd: r.headerEnd, end: r.end, value: v }, big)).toEqual(input);
        expect(r.headerEnd - prefix.length).toBe(bytes.length - payload.length);
      }),
    );
  });
});
