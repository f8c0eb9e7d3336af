/**
 * Properties of the inspectors over arbitrary and cut-short frames: they never throw, JSON and EK stay parseable,
 * the annotated dump is the plain dump plus marks, the encapsulation rows add up.
 */
process.env.TZ = 'UTC';

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { ANSI, stripAnsi } from '../../src/inspect/color.js';
import { encapFigure, encapRows } from '../../src/inspect/encap.js';
import { explainFrame } from '../../src/inspect/explain.js';
import { frameHexDump, hexLines } from '../../src/inspect/hexdump.js';
import { packetEk, packetJson, prettyJson } from '../../src/inspect/json.js';
import { frameDetail } from '../../src/inspect/text.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const registry = registerDefaults();

function dissect(data: Uint8Array, linkType: number, origLen = data.length): Frame {
  const rec: CaptureRecord = { index: 0, interfaceId: 0, linkType, tsSec: 1_600_000_000, tsNsec: 123, origLen, data };
  return new Dissector(registry).dissect(rec);
}

/** Run every inspector on a frame and check what must hold whatever the bytes. */
function checkAll(f: Frame): void {
  const detail = frameDetail(f, DEFAULT_PREFS);
  expect(detail[0]!.startsWith('Frame 1: ')).toBe(true);
  for (const hex of [false, true]) {
    const lines: string[] = [];
    prettyJson(packetJson(f, DEFAULT_PREFS, { hex }), 1, lines, '', '');
    expect(() => JSON.parse(lines.join('\n'))).not.toThrow();
    const ek = packetEk(f, DEFAULT_PREFS, { hex });
    expect(ek.length).toBe(2);
    for (const l of ek) expect(() => JSON.parse(l)).not.toThrow();
  }
  expect(frameHexDump(f.data)).toEqual(hexLines(f.data));

  // The annotated dump is the plain dump with brackets in the separators (and names after the ASCII column).
  const plain = explainFrame(f, DEFAULT_PREFS);
  const dump = plain.filter((l) => /^[0-9a-f]{4} /.test(l));
  const want = hexLines(f.data);
  expect(dump.length).toBe(want.length);
  dump.forEach((l, i) => {
    const w = want[i]!;
    expect(l.slice(0, 54).replace(/[[\]|]/g, ' ') + l.slice(54, w.length)).toBe(w);
  });
  const coloured = explainFrame(f, DEFAULT_PREFS, { palette: ANSI }).map(stripAnsi);
  expect(coloured.filter((l) => /^[0-9a-f]{4} /.test(l))).toEqual(want);

  // Encapsulation rows add up, and each payload is the next row.
  const rows = encapRows(f);
  rows.forEach((r, i) => {
    expect(r.header + r.payload + r.trailer).toBe(r.end - r.start);
    const inner = rows[i + 1];
    if (inner) expect(r.payload).toBe(inner.end - inner.start);
  });
  const fig = encapFigure(f);
  expect(fig.length).toBe(rows.length ? 2 + rows.length * 3 : 1);
}

describe('inspectors on arbitrary bytes', () => {
  it('Ethernet frames of random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(64), (b, extra) => checkAll(dissect(b, 1, b.length + extra))),
      { numRuns: 150 },
    );
  });

  it('random bytes behind a plausible Ethernet + IPv4 header', () => {
    const head = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, 0x45, 0x00];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (tail) => checkAll(dissect(new Uint8Array([...head, ...tail]), 1))),
      { numRuns: 150 },
    );
  });

  it('raw IPv4 and unknown link types', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(228, 101, 0, 113, 65000), (b, lt) => checkAll(dissect(b, lt))),
      { numRuns: 100 },
    );
  });
});

describe('inspectors on every prefix of real packets', () => {
  for (const path of ['fixtures/cli/udp-packet.pcap', 'fixtures/capture/dpkt/dns_icmp.pcap', 'fixtures/capture/gopacket/pcapgo/tests/le/test902.pcapng']) {
    it(path, () => {
      const recs = [...readCapture(new Uint8Array(readFileSync(root + path)))].slice(0, 3);
      expect(recs.length).toBeGreaterThan(0);
      for (const r of recs) for (let n = 0; n <= r.data.length; n++) checkAll(dissect(r.data.subarray(0, n), r.linkType, r.origLen));
    });
  }
});
