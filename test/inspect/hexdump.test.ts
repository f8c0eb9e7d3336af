import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { asciiChar, frameHexDump, hexLines, offsetDigits } from '../../src/inspect/hexdump.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('hexLines: tshark -x layout', () => {
  it('lays out a real frame exactly as tshark 4.0 prints it (dpkt/dns_icmp.pcap frame 1)', () => {
    const rec = [...readCapture(new Uint8Array(readFileSync(root + 'fixtures/capture/dpkt/dns_icmp.pcap')))][0]!;
    expect(hexLines(rec.data)).toEqual([
      '0000  02 1a 11 f0 c8 3b 60 33 4b 13 c5 58 08 00 45 00   .....;`3K..X..E.',
      '0010  00 42 d0 a6 00 00 40 11 d2 a9 c0 a8 2b 09 c0 a8   .B....@.....+...',
      '0020  2b 01 c9 dd 00 35 00 2e f2 68 52 8e 01 00 00 01   +....5...hR.....',
      '0030  00 00 00 00 00 00 01 38 01 38 01 38 01 38 07 69   .......8.8.8.8.i',
      '0040  6e 2d 61 64 64 72 04 61 72 70 61 00 00 0c 00 01   n-addr.arpa.....',
    ]);
  });

  it('keeps the ASCII column aligned on a short last line', () => {
    const b = new Uint8Array([0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00]);
    expect(hexLines(b)).toEqual(['0000  06 67 6f 6f 67 6c 65 03 63 6f 6d 00               .google.com.']);
  });

  it('prints nothing for no bytes, and dumps a sub-range from offset 0', () => {
    expect(hexLines(new Uint8Array(0))).toEqual([]);
    const b = new Uint8Array(40).map((_, i) => i);
    expect(hexLines(b, 20, 22)).toEqual(['0000  14 15' + ' '.repeat(42) + '   ..']);
  });

  it('uses 4 offset digits up to 65536 bytes, then as many as the last offset needs', () => {
    expect(offsetDigits(1)).toBe(4);
    expect(offsetDigits(0x10000)).toBe(4);
    expect(offsetDigits(0x10001)).toBe(5);
    expect(offsetDigits(0x100001)).toBe(6);
    const big = hexLines(new Uint8Array(0x10001));
    expect(big[0]!.startsWith('00000  00')).toBe(true);
    expect(big[big.length - 1]!.startsWith('10000  00')).toBe(true);
  });

  it('shows printable ASCII 0x20..0x7e and a dot for everything else', () => {
    expect(asciiChar(0x20)).toBe(' ');
    expect(asciiChar(0x7e)).toBe('~');
    expect(asciiChar(0x7f)).toBe('.');
    expect(asciiChar(0x1f)).toBe('.');
    expect(asciiChar(0xe9)).toBe('.');
  });

  it('names each data source when a frame has reassembled ones, and stops at an empty source', () => {
    const frame = new Uint8Array([1, 2, 3]);
    const re = new Uint8Array([0x41, 0x42]);
    expect(frameHexDump(frame)).toEqual(['0000  01 02 03' + ' '.repeat(39) + '   ...']);
    expect(frameHexDump(frame, [{ name: 'Reassembled IPv4', data: re }])).toEqual([
      'Frame (3 bytes):',
      '0000  01 02 03' + ' '.repeat(39) + '   ...',
      'Reassembled IPv4 (2 bytes):',
      '0000  41 42' + ' '.repeat(42) + '   AB',
    ]);
    expect(frameHexDump(new Uint8Array(0), [{ name: 'X', data: re }])).toEqual(['Frame (0 bytes):']);
  });

  it('property: one line per 16 bytes, each line 56 + n characters, hex round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const lines = hexLines(b);
        expect(lines.length).toBe(Math.ceil(b.length / 16));
        const back: number[] = [];
        lines.forEach((l, i) => {
          const n = Math.min(16, b.length - i * 16);
          expect(l.length).toBe(4 + 2 + 48 + 2 + n);
          expect(l.slice(0, 4)).toBe((i * 16).toString(16).padStart(4, '0'));
          for (const h of l.slice(6, 6 + 3 * n).trim().split(' ')) back.push(parseInt(h, 16));
        });
        expect(back).toEqual([...b]);
      }),
    );
  });
});

describe('hexLines against hexy (the design brief\'s hex-dump package, kept as an oracle)', () => {
  // hexy's layout is not tshark's (8-digit offsets, `: `, four spaces before the ASCII), so it is not used to print;
  // but the bytes and characters of each line must be the same. Both are parsed to (offset, hex bytes, ASCII).
  const parse = (line: string, re: RegExp): [number, string, string] => {
    const m = re.exec(line);
    if (!m) throw new Error(`unparsed line ${JSON.stringify(line)}`);
    return [parseInt(m[1]!, 16), m[2]!.trim().replace(/ +/g, ' '), m[3]!];
  };
  const ours = (b: Uint8Array) => hexLines(b).map((l) => parse(l, /^([0-9a-f]{4,8})  ((?:[0-9a-f]{2} |   ){16})  (.*)$/));
  const theirs = async (b: Uint8Array) => {
    const { hexy } = (await import('hexy')) as unknown as { hexy: (b: Buffer, o: object) => string };
    const out = hexy(Buffer.from(b), { format: 'twos', caps: 'lower', width: 16 });
    // One known difference: hexy prints DEL (0x7f) as itself, tshark (and wirelens) as `.`.
    return out
      .split('\n')
      .filter((l) => l)
      .map((l) => parse(l.replace(/\x7f/g, '.'), /^([0-9a-f]{8}): ((?:[0-9a-f]{2} |   ){16})   (.*)$/));
  };

  it('gives the same offsets, bytes and ASCII column as hexy on random buffers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (b) => {
        expect(ours(b)).toEqual(await theirs(b));
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same lines as hexy on every frame of a real capture', async () => {
    for (const rec of readCapture(new Uint8Array(readFileSync(root + 'fixtures/capture/dpkt/dns_icmp.pcap')))) {
      const data = rec.data.slice();
      expect(ours(data)).toEqual(await theirs(data));
    }
  });
});
