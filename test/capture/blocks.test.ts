/** pcapng blocks the corpus fixtures lack (obsolete PB, DSB, unknown / local types): synthetic files. */
import { describe, expect, it } from 'vitest';
import {
  concatChunks,
  encodeBlock,
  encodeEpb,
  encodeIdb,
  encodeOptions,
  encodePb,
  encodeShb,
  readCaptureFile,
  writeCaptureLike,
  type OpaqueBlock,
} from '../../src/capture/index.js';
import { hex } from './helpers.js';

const enc = new TextEncoder();

function file(le: boolean): Uint8Array {
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, le);
    return b;
  };
  const secrets = enc.encode('CLIENT_RANDOM 00 11\n');
  const flags = u32(0x00000002); // inbound... (direction 2 = outbound)
  return concatChunks([
    encodeShb({ comments: ['synthetic'] }, le),
    encodeIdb({ linkType: 1, snapLen: 65535, name: 'eth0', tsresol: 9 }, le),
    // Decryption Secrets Block: type 'TLSK', length, secrets (padded), options
    encodeBlock(0x0a, [u32(0x544c534b), u32(secrets.length), secrets, new Uint8Array((4 - (secrets.length % 4)) % 4), encodeOptions([{ code: 1, value: 'keys' }], le)], le),
    // obsolete Packet Block with pack_flags and a comment
    encodePb(le, 0, 7, 0x00060000, 0x12345678, Uint8Array.of(1, 2, 3, 4, 5), 60, encodeOptions([{ code: 2, value: flags }, { code: 1, value: 'old block' }], le)),
    // a local-use block type and an unknown one
    encodeBlock(0x80000001, [enc.encode('local data')], le),
    encodeBlock(0x00000042, [Uint8Array.of(9, 9, 9, 9)], le),
    encodeEpb(le, 0, 0x00060000, 0x12345679, Uint8Array.of(6, 7, 8), 3, new Uint8Array(0)),
  ]);
}

describe('synthetic pcapng blocks', () => {
  for (const le of [true, false]) {
    it(`PB, DSB, unknown blocks (${le ? 'little' : 'big'}-endian): decoded, kept, written back byte for byte`, () => {
      const bytes = file(le);
      const f = readCaptureFile(bytes);
      expect(f.problems).toEqual([]);
      expect(f.records.map((r) => [r.source, r.interfaceId, r.tsHigh, r.tsLow, r.origLen, hex(r.data)])).toEqual([
        ['pb', 0, 0x00060000, 0x12345678, 60, '0102030405'],
        ['epb', 0, 0x00060000, 0x12345679, 3, '060708'],
      ]);
      expect(f.records[0]).toMatchObject({ dropsCount: 7, flags: 2, comments: ['old block'] });
      const ts = (0x00060000n << 32n) | 0x12345678n;
      expect([f.records[0]!.tsSec, f.records[0]!.tsNsec]).toEqual([Number(ts / 1_000_000_000n), Number(ts % 1_000_000_000n)]);
      const blocks = f.events.filter((e): e is OpaqueBlock => e.kind === 'block');
      expect(blocks.map((b) => [b.name, b.blockType, b.secretsType, b.comments])).toEqual([
        ['dsb', 0x0a, 0x544c534b, ['keys']],
        ['unknown', 0x80000001, undefined, []],
        ['unknown', 0x42, undefined, []],
      ]);
      expect(new TextDecoder().decode(blocks[1]!.body)).toBe('local data\0\0'); // body as stored, padding included
      expect(hex(writeCaptureLike(f))).toBe(hex(bytes));
    });
  }
});
