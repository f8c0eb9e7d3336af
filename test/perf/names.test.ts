/**
 * DNS name text (nameText) skips the UTF-8 decoder for ASCII labels: equal to decoding every label as UTF-8 (invalid
 * bytes as U+FFFD, a leading BOM dropped), for any label bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameText } from '../../src/protocols/dns/names.js';

const utf8 = new TextDecoder('utf-8');

describe('nameText == UTF-8 decoding of each label', () => {
  it('any labels', () => {
    const label = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 63 }),
      fc.uint8Array({ minLength: 1, maxLength: 63 }).map((b) => b.map((x) => x & 0x7f)),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((t) => new TextEncoder().encode(t).subarray(0, 63)).filter((b) => b.length > 0),
      fc.constantFrom(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), new Uint8Array([0x00, 0x2e, 0x7f]), new Uint8Array([0xc3])),
    );
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 8 }), (labels) => {
        expect(nameText({ labels })).toBe(labels.map((l) => utf8.decode(l)).join('.'));
      }),
      { numRuns: 2000 },
    );
    expect(nameText({ labels: [] })).toBe('<Root>');
  });
});
