import { describe, expect, it } from 'vitest';
import {
  CaptureParser,
  DONE,
  EVENT,
  NEED_MORE,
  RECORD,
  encodeBlock,
  encodeEpb,
  encodeIdb,
  encodeShb,
  readCaptureFile,
  writePcap,
  writePcapng,
  concatChunks,
} from '../../src/capture/index.js';
import { fixture } from './helpers.js';

const enc = new TextEncoder();
const pkt = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);

function samplePcapng(): Uint8Array {
  return writePcapng({ interfaces: [{ linkType: 1 }] }, [0, 1, 2].map((i) => ({ tsSec: 1000 + i, tsNsec: 0, data: pkt(40 + i) })));
}

function errors(bytes: Uint8Array) {
  return readCaptureFile(bytes).problems.filter((p) => p.severity === 'error');
}

describe('not a capture file', () => {
  it('zero-length file', () => {
    const f = readCaptureFile(new Uint8Array(0));
    expect(f.records).toEqual([]);
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ code: 'truncated', start: 0, end: 0 });
    expect(f.problems[0]!.message).toMatch(/empty file/);
  });

  it('bad magic names the bytes seen', () => {
    const f = readCaptureFile(enc.encode('<html><body>hello</body></html>'));
    expect(f.format).toBeUndefined();
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ code: 'bad-value', start: 0, end: 4, layer: 'pcap' });
    expect(f.problems[0]!.message).toBe('not a capture file: magic 0x3c68746d');
  });

  it('fewer than 4 bytes', () => {
    const f = readCaptureFile(Uint8Array.of(0xd4, 0xc3));
    expect(f.problems[0]!.code).toBe('truncated');
    expect(f.problems[0]!.message).toMatch(/only 2 bytes \(0xd4c3\)/);
  });

  it('a pcapng block before any section header block', () => {
    const idb = encodeIdb({ linkType: 1 }, true);
    const f = readCaptureFile(idb);
    expect(f.format).toBe('pcapng');
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ layer: 'pcapng', code: 'bad-value', start: 0 });
    expect(f.problems[0]!.message).toMatch(/before any section header block/);
  });

  it('pcap header cut short', () => {
    const bytes = writePcap({ linkType: 1 }, []).subarray(0, 20);
    const f = readCaptureFile(bytes);
    expect(f.format).toBe('pcap');
    expect(f.problems[0]).toMatchObject({ code: 'truncated', start: 0, end: 20 });
  });
});

describe('classic pcap damage', () => {
  const good = writePcap({ linkType: 1, snapLen: 65535 }, [0, 1, 2].map((i) => ({ tsSec: 10 + i, tsNsec: 5000, data: pkt(60 + i) })));
  const recOffset = [24, 24 + 16 + 60, 24 + 16 + 60 + 16 + 61];

  it('file cut inside a record: complete records, then truncation at that record', () => {
    for (const cut of [recOffset[2]! + 3, recOffset[2]! + 16, recOffset[2]! + 40, good.length - 1]) {
      const f = readCaptureFile(good.subarray(0, cut));
      expect(f.records.length).toBe(2);
      expect(f.problems).toHaveLength(1);
      expect(f.problems[0]).toMatchObject({ code: 'truncated', layer: 'pcap', start: recOffset[2], end: cut });
      expect(f.problems[0]!.message).toMatch(new RegExp(`offset ${recOffset[2]}`));
    }
  });

  it('impossible captured length: reported, not allocated, reading stops', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(recOffset[1]! + 8, 0x7fffffff, true);
    const f = readCaptureFile(b);
    expect(f.records.length).toBe(1);
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ code: 'bad-length', start: recOffset[1]! + 8, actual: 0x7fffffff, field: 'frame.cap_len' });
  });

  it('caplen above snaplen (but plausible) is a warning and the record is delivered', () => {
    const b = writePcap({ linkType: 1, snapLen: 64 }, [{ tsSec: 1, tsNsec: 0, data: pkt(100) }]);
    const f = readCaptureFile(b);
    expect(f.records.length).toBe(1);
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ severity: 'warning', code: 'bad-length', actual: 100, expected: 64 });
  });

  it('unsupported major version and reserved link type bits (tshark refuses both)', () => {
    const v1 = readCaptureFile(fixture('malformed/libpcap/pcap-invalid-version-1.pcap'));
    expect(v1.records).toEqual([]);
    expect(v1.problems[0]).toMatchObject({ code: 'unsupported', start: 4 });
    expect(v1.problems[0]!.message).toBe('pcap: major version 1 unsupported');
    const rsv = readCaptureFile(fixture('malformed/libpcap/linktype-reserved-field-not-zero.pcap'));
    expect(rsv.problems[0]!.message).toMatch(/reserved field not zero \(0x00300000\)/);
  });

  it('nanosecond fraction >= 10^9 is kept raw (as tshark shows it) with a warning', () => {
    const f = readCaptureFile(fixture('malformed/tcpdump/timestamp_invalid_nano.pcap'));
    expect(f.records.map((r) => r.tsNsec)).toEqual([999999999, 1000000000, 2147483648]);
    expect(f.problems.map((p) => [p.severity, p.code])).toEqual([
      ['warning', 'bad-value'],
      ['warning', 'bad-value'],
    ]);
  });

  it('the corpus truncated file', () => {
    const f = readCaptureFile(fixture('malformed/dpkt/truncated_dns_2.pcap'));
    expect(f.records.length).toBe(1);
    expect(f.problems).toEqual([expect.objectContaining({ code: 'truncated', start: 240, end: 247 })]);
  });
});

describe('pcapng damage', () => {
  const good = samplePcapng();
  const shbLen = encodeShb({}, true).length;
  const idbLen = encodeIdb({ linkType: 1 }, true).length;
  const epb0 = shbLen + idbLen;

  function withLength(at: number, len: number): Uint8Array {
    const b = good.slice();
    new DataView(b.buffer).setUint32(at + 4, len, true);
    return b;
  }

  for (const [what, len, re] of [
    ['zero', 0, /less than 12/],
    ['less than 12', 8, /less than 12/],
    ['not a multiple of 4', 61, /not a multiple of 4/],
    ['huge', 0x7ffffff0, /larger than 256 MiB/],
  ] as const) {
    it(`block length ${what}: bad-length at the block, records before it delivered`, () => {
      const f = readCaptureFile(withLength(epb0, len));
      expect(f.records).toEqual([]);
      expect(f.interfaces.length).toBe(1);
      expect(f.problems).toHaveLength(1);
      expect(f.problems[0]).toMatchObject({ code: 'bad-length', layer: 'pcapng', start: epb0 + 4, actual: len });
      expect(f.problems[0]!.message).toMatch(re);
    });
  }

  it('block length beyond the end of the file: truncated', () => {
    const second = epb0 + encodeEpb(true, 0, 0, 0, pkt(40), 40, new Uint8Array(0)).length;
    const f = readCaptureFile(withLength(second, 4096));
    expect(f.records.length).toBe(1);
    expect(f.problems).toEqual([expect.objectContaining({ code: 'truncated', start: second, end: good.length })]);
  });

  it('trailing length mismatch', () => {
    const b = good.slice();
    const len = new DataView(b.buffer).getUint32(epb0 + 4, true);
    new DataView(b.buffer).setUint32(epb0 + len - 4, len + 4, true);
    const f = readCaptureFile(b);
    expect(f.records).toEqual([]);
    expect(f.problems[0]).toMatchObject({ code: 'bad-length', start: epb0 + len - 4, expected: len, actual: len + 4 });
  });

  it('EPB naming a missing interface', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(epb0 + 8, 3, true);
    const f = readCaptureFile(b);
    expect(f.records).toEqual([]);
    expect(f.problems[0]).toMatchObject({ code: 'bad-value', field: 'frame.interface_id', start: epb0 + 8, actual: 3 });
    expect(f.problems[0]!.message).toMatch(/interface 3 not defined/);
  });

  it('EPB captured length beyond its block', () => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(epb0 + 20, 1000, true);
    expect(errors(b)[0]).toMatchObject({ code: 'bad-length', field: 'frame.cap_len', start: epb0 + 20 });
  });

  it('SHB with a bad byte-order magic', () => {
    const b = good.slice();
    b.set([1, 2, 3, 4], 8);
    expect(errors(b)[0]).toMatchObject({ code: 'bad-value', start: 8 });
  });

  it('SPB without any interface', () => {
    const b = concatChunks([encodeShb({}, true), encodeBlock(3, [Uint8Array.of(4, 0, 0, 0), pkt(4)], true)]);
    expect(errors(b)[0]!.message).toMatch(/interface 0 not defined \(section 0 has 0 interfaces\)/);
  });

  it('corpus shb-option-too-long: its trailing length is wrong too (checked first)', () => {
    const f = readCaptureFile(fixture('malformed/libpcap/shb-option-too-long.pcapng'));
    expect(f.records).toEqual([]);
    expect(f.problems).toEqual([expect.objectContaining({ code: 'bad-length', layer: 'pcapng', start: 48, expected: 52 })]);
  });

  it('option running past the end of its block', () => {
    const b = encodeShb({ rawOptions: Uint8Array.of(1, 0, 0x30, 0x30, 0x41, 0x42, 0x43, 0x44) }, true);
    const f = readCaptureFile(b);
    expect(f.sections).toEqual([]);
    expect(f.problems).toEqual([expect.objectContaining({ code: 'bad-length', layer: 'pcapng', start: 24, actual: 12336 })]);
    expect(f.problems[0]!.message).toMatch(/option 1 of length 12336 runs past the end/);
  });

  it('unknown SHB version mid-file stops after the records before it (tshark does too)', () => {
    const f = readCaptureFile(fixture('malformed/gopacket/pcapgo/tests/le/test901.pcapng'));
    expect(f.records.length).toBe(1);
    expect(f.problems).toEqual([expect.objectContaining({ code: 'unsupported' })]);
    expect(f.problems[0]!.message).toMatch(/unknown SHB version 2\.0/);
  });

  it('file cut inside a block', () => {
    const cut = good.length - 10;
    const f = readCaptureFile(good.subarray(0, cut));
    expect(f.records.length).toBe(2);
    expect(f.problems).toEqual([expect.objectContaining({ code: 'truncated', end: cut })]);
  });
});

describe('incremental parser', () => {
  it('asks for more input, then finishes cleanly', () => {
    const bytes = samplePcapng();
    const p = new CaptureParser();
    const steps: number[] = [];
    for (let i = 0; i < bytes.length; i += 7) {
      p.push(bytes.subarray(i, i + 7));
      for (let s = p.next(); s !== NEED_MORE; s = p.next()) steps.push(s);
    }
    p.end();
    for (let s = p.next(); s !== DONE; s = p.next()) steps.push(s);
    expect(steps.filter((s) => s === RECORD).length).toBe(3);
    expect(steps.filter((s) => s === EVENT).length).toBe(2); // SHB, IDB
    expect(p.problems).toEqual([]);
    expect(p.offset).toBe(bytes.length);
    expect(p.done).toBe(true);
  });

  it('push after end is an API error', () => {
    const p = new CaptureParser();
    p.end();
    expect(() => p.push(Uint8Array.of(1))).toThrow();
  });
});
