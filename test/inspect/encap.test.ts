import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { ethernet } from '../../src/protocols/ethernet.js';
import { ipv4 } from '../../src/protocols/ipv4.js';
import { udp } from '../../src/protocols/udp.js';
import { data } from '../../src/protocols/data.js';
import type { EncodeContext } from '../../src/protocols/types.js';
import { ANSI, stripAnsi } from '../../src/inspect/color.js';
import { encapFigure, encapRows } from '../../src/inspect/encap.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function frameOf(bytes: Uint8Array, linkType = 1): Frame {
  return new Dissector(registerDefaults()).dissect({ index: 0, interfaceId: 0, linkType, tsSec: 0, tsNsec: 0, origLen: bytes.length, data: bytes });
}

function realFrame(): Frame {
  const rec = [...readCapture(new Uint8Array(readFileSync(root + 'fixtures/cli/udp-packet.pcap')))][0]!;
  return frameOf(rec.data);
}

/** A short UDP datagram in a padded Ethernet frame (60 bytes: 14 + 20 + 8 + 2 + 16 padding). */
function paddedFrame(): Uint8Array {
  const ctx = (outer: EncodeContext['outer'], inner?: EncodeContext['inner']): EncodeContext => ({
    outer,
    ...(inner ? { inner } : {}),
    pseudoHeaderSum: () => 0,
  });
  const payload = new Uint8Array([0x41, 0x42]);
  const u = udp.encode!({ srcport: 1000, dstport: 2000 }, payload, ctx([]));
  const ip = ipv4.encode!({ src: '10.0.0.1', dst: '10.0.0.2' }, u, ctx([], { proto: udp, input: {} }));
  return ethernet.encode!({ dst: '02:00:00:00:00:01', src: '02:00:00:00:00:02' }, ip, ctx([], { proto: ipv4, input: {} }));
}

describe('--encap rows', () => {
  it("gives each layer's header, payload (the next layer whole) and trailer", () => {
    const rows = encapRows(realFrame());
    expect(rows.map((r) => [r.abbrev, r.header, r.payload, r.trailer])).toEqual([
      ['eth', 14, 34, 0],
      ['ip', 20, 14, 0],
      ['udp', 8, 6, 0],
      ['data', 6, 0, 0],
    ]);
    for (let i = 0; i + 1 < rows.length; i++) expect(rows[i]!.payload).toBe(rows[i + 1]!.end - rows[i + 1]!.start);
  });

  it('counts Ethernet padding as the Ethernet layer\'s trailer', () => {
    const b = paddedFrame();
    expect(b.length).toBe(60);
    const rows = encapRows(frameOf(b));
    expect(rows[0]).toMatchObject({ abbrev: 'eth', header: 14, payload: 30, trailer: 16, end: 60 });
    expect(rows[1]).toMatchObject({ abbrev: 'ip', header: 20, payload: 10, trailer: 0 });
    void data;
  });
});

describe('--encap figure', () => {
  it('draws each row under the one it carries, borders aligned', () => {
    const lines = encapFigure(realFrame());
    expect(lines[0]).toBe('Frame 1: 48 bytes on wire, 48 captured, 4 layers');
    expect(lines.slice(1)).toEqual([
      '                                             +-------------+',
      '                                             | DATA        |   data  0x002a-0x002f (6 bytes)',
      '                                             | 6 bytes     |',
      '                                +------------+-------------+',
      '                                | UDP header | UDP payload |   udp   0x0022-0x002f (14 bytes)',
      '                                | 8 bytes    | 6 bytes     |',
      '                  +-------------+------------+-------------+',
      '                  | IPv4 header | IPv4 payload             |   ip    0x000e-0x002f (34 bytes)',
      '                  | 20 bytes    | 14 bytes                 |',
      '+-----------------+-------------+--------------------------+',
      '| Ethernet header | Ethernet payload                       |   eth   0x0000-0x002f (48 bytes)',
      '| 14 bytes        | 34 bytes                               |',
      '+-----------------+----------------------------------------+',
    ]);
  });

  it('adds a trailer cell for padding, and every row keeps its payload exactly under the row above', () => {
    const lines = encapFigure(frameOf(paddedFrame()));
    const eth = lines.find((l) => l.startsWith('| Ethernet header'))!;
    expect(eth).toMatch(/\| trailer\s+\|/);
    expect(lines.find((l) => l.startsWith('| 14 bytes'))).toMatch(/\| 16 bytes\s+\|$/);
    // the right border of the IPv4 row is the left border of the trailer cell
    const ipRow = lines.find((l) => l.includes('| IPv4 header'))!;
    const ipRight = ipRow.split('   ip')[0]!.trimEnd().length - 1;
    expect(eth[ipRight]).toBe('|');
  });

  it('colours rows on a terminal without changing the drawing', () => {
    const plain = encapFigure(realFrame());
    const colour = encapFigure(realFrame(), ANSI);
    expect(colour.some((l) => l.includes('\u001b['))).toBe(true);
    expect(colour.map(stripAnsi)).toEqual(plain);
  });

  it('draws just the heading for a frame with no layers, and an empty box for an empty one', () => {
    expect(encapFigure(frameOf(new Uint8Array(0), 9999))).toEqual(['Frame 1: 0 bytes on wire, 0 captured, 0 layers']);
    expect(encapFigure(frameOf(new Uint8Array(0)))).toEqual([
      'Frame 1: 0 bytes on wire, 0 captured, 1 layer',
      '+----------+',
      '| Ethernet |   eth  0x0000 (0 bytes)',
      '| 0 bytes  |',
      '+----------+',
    ]);
  });
});
