/**
 * Filter semantics on field occurrences built by hand: quantifiers, every value type, slices, functions,
 * arithmetic, layers, protocols. The table below is a synthetic one for these tests only (one field of each
 * type), so that the tests do not depend on which protocols are registered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldDef, FieldNode, FieldValue } from '../../src/fields/types.js';
import { defineFields } from '../../src/fields/types.js';
import { compileFilter, fieldIndex, FilterError, nodesAccessor } from '../../src/filter/index.js';
import type { FieldAccessor } from '../../src/filter/index.js';

const T = defineFields(
  { abbrev: 'wl', name: 'Filter test protocol', desc: 'synthetic' },
  {
    u8: { abbrev: 'wl.u8', name: 'U8', type: 'UINT8', base: 'DEC', strings: { 1: 'One', 17: 'UDP', 6: 'TCP' }, desc: '' },
    u16: { abbrev: 'wl.u16', name: 'U16', type: 'UINT16', base: 'DEC', desc: '' },
    u32: { abbrev: 'wl.u32', name: 'U32', type: 'UINT32', base: 'HEX', desc: '' },
    u64: { abbrev: 'wl.u64', name: 'U64', type: 'UINT64', base: 'DEC', desc: '' },
    i8: { abbrev: 'wl.i8', name: 'I8', type: 'INT8', base: 'DEC', desc: '' },
    i32: { abbrev: 'wl.i32', name: 'I32', type: 'INT32', base: 'DEC', desc: '' },
    flag: { abbrev: 'wl.flag', name: 'Flag', type: 'BOOLEAN', tfs: ['Set', 'Not set'], desc: '' },
    dbl: { abbrev: 'wl.dbl', name: 'Double', type: 'DOUBLE', desc: '' },
    rel: { abbrev: 'wl.rel', name: 'Relative', type: 'RELATIVE_TIME', desc: '' },
    abs: { abbrev: 'wl.abs', name: 'Absolute', type: 'ABSOLUTE_TIME', desc: '' },
    str: { abbrev: 'wl.str', name: 'String', type: 'STRING', desc: '' },
    str2: { abbrev: 'wl.str2', name: 'String 2', type: 'STRINGZ', desc: '' },
    bytes: { abbrev: 'wl.bytes', name: 'Bytes', type: 'BYTES', desc: '' },
    mac: { abbrev: 'wl.mac', name: 'MAC', type: 'ETHER', desc: '' },
    mac2: { abbrev: 'wl.mac2', name: 'MAC 2', type: 'ETHER', desc: '' },
    eui: { abbrev: 'wl.eui', name: 'EUI64', type: 'EUI64', desc: '' },
    ip: { abbrev: 'wl.ip', name: 'IPv4', type: 'IPv4', desc: '' },
    ip2: { abbrev: 'wl.ip2', name: 'IPv4 2', type: 'IPv4', desc: '' },
    ip6: { abbrev: 'wl.ip6', name: 'IPv6', type: 'IPv6', desc: '' },
    label: { abbrev: 'wl.label', name: 'Label', type: 'NONE', desc: '' },
    num: { abbrev: 'wl.num', name: 'Frame', type: 'FRAMENUM', desc: '' },
  },
);
const F = T.fields;
const idx = fieldIndex([{ table: T }]);

type Occ = [FieldDef, FieldValue] | [FieldDef, FieldValue, number, number];

function acc(occs: readonly Occ[], data = new Uint8Array(64).map((_, i) => i), extra: Partial<Pick<FieldAccessor, 'layer' | 'extent'>> = {}): FieldAccessor {
  const nodes: FieldNode[] = occs.map(([def, value, start = 0, len = 0]) => ({ def, value, start, len }));
  return Object.assign(nodesAccessor(nodes, data), extra);
}

const m = (filter: string, a: FieldAccessor): boolean => compileFilter(filter, idx).match(a);
const err = (filter: string): string => {
  try {
    compileFilter(filter, idx);
  } catch (e) {
    if (e instanceof FilterError) return e.message;
    throw e;
  }
  return 'no error';
};

describe('occurrences and quantifiers (4.0: == any, != all, === all, !== any)', () => {
  const two = acc([[F.ip, '10.0.0.1'], [F.ip, '10.0.0.2']]);
  const same = acc([[F.ip, '10.0.0.1'], [F.ip, '10.0.0.1']]);
  const none = acc([[F.u8, 1]]);
  it.each([
    ['wl.ip == 10.0.0.1', true, true, false],
    ['wl.ip == 10.0.0.3', false, false, false],
    ['wl.ip != 10.0.0.1', false, false, false],
    ['wl.ip != 10.0.0.3', true, true, false],
    ['wl.ip === 10.0.0.1', false, true, false],
    ['wl.ip !== 10.0.0.1', true, false, false],
    ['wl.ip ~= 10.0.0.1', true, false, false],
    ['all wl.ip == 10.0.0.1', false, true, false],
    ['any wl.ip != 10.0.0.1', true, false, false],
    ['all wl.ip > 10.0.0.0', true, true, false],
    ['wl.ip > 10.0.0.1', true, false, false],
    ['!(wl.ip == 10.0.0.1)', false, false, true],
    ['not wl.ip != 10.0.0.3', false, false, true],
    ['wl.ip in {10.0.0.2, 1.1.1.1}', true, false, false],
    ['wl.ip not in {10.0.0.2}', false, true, true],
    ['wl.ip', true, true, false],
    ['!wl.ip', false, false, true],
  ])('%s: two=%s same=%s absent=%s', (f, a, b, c) => {
    expect([m(f, two), m(f, same), m(f, none)]).toEqual([a, b, c]);
  });

  it('field against field: any pair; all pairs for all_* ', () => {
    const a = acc([[F.ip, '1.1.1.1'], [F.ip, '2.2.2.2'], [F.ip2, '2.2.2.2']]);
    expect(m('wl.ip == wl.ip2', a)).toBe(true);
    expect(m('wl.ip != wl.ip2', a)).toBe(false);
    expect(m('wl.ip === wl.ip2', a)).toBe(false);
    expect(m('wl.ip !== wl.ip2', a)).toBe(true);
    expect(m('wl.ip2 === wl.ip2', a)).toBe(true);
    expect(err('wl.ip == wl.u8')).toBe('wl.ip and wl.u8 are not of compatible types.');
  });

  it('chains: a < b < c is a < b and b < c', () => {
    const a = acc([[F.u8, 1], [F.u16, 5], [F.u32, 9]]);
    expect(m('wl.u8 < wl.u16 < wl.u32', a)).toBe(true);
    expect(m('wl.u8 < wl.u32 < wl.u16', a)).toBe(false);
    expect(m('wl.u8 < wl.u16 < 6', a)).toBe(true);
    expect(m('wl.u8 < wl.u16 < 5', a)).toBe(false);
  });
});

describe('integers', () => {
  const a = acc([[F.u8, 17], [F.u64, 2n ** 63n], [F.i8, -5], [F.i32, -70000], [F.u32, 0xdeadbeef], [F.num, 7]]);
  it.each([
    ['wl.u8 == 17', true], ['wl.u8 == 0x11', true], ['wl.u8 == 021', true], ['wl.u8 == 0b10001', true],
    ['wl.u8 == UDP', true], ['wl.u8 == udp', true], ['wl.u8 == "UDP"', true], ['wl.u8 == TCP', false],
    ["wl.u8 == '\\x11'", true], ['wl.u8 >= 17 && wl.u8 <= 17', true], ['wl.u8 gt 16 and wl.u8 lt 18', true],
    ['wl.u64 == 9223372036854775808', true], ['wl.u64 == 0x8000000000000000', true], ['wl.u64 > 1', true],
    ['wl.u64 == 18446744073709551615', false], ['wl.u64 - 1 == 9223372036854775807', true],
    ['wl.u64 / 2 == 4611686018427387904', true],
    ['wl.i8 == -5', true], ['wl.i8 < 0', true], ['wl.i8 > -6', true], ['abs(wl.i8) == 5', true], ['-wl.i8 == 5', true],
    ['wl.i32 == -70000', true], ['wl.i32 * 2 == -140000', true], ['wl.i32 % 3 == -1', true], ['wl.i32 / 0 == 1', false],
    ['wl.u32 == 0xdeadbeef', true], ['wl.u32 & 0xff == 0xef', true], ['wl.u32 & 0x10', false], ['wl.u32 & 0x01', true],
    ['wl.num == 7', true], ['wl.num in {1..7}', true], ['wl.num in {8..100}', false],
    ['wl.u8 + 1 == 18', true], ['{wl.u8 + 1} * 2 == 36', true], ['wl.u8 + wl.num == 24', true],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });

  it('range checks and bad numbers', () => {
    expect(err('wl.u8 == 256')).toBe('"256" too big for this field, maximum 255.');
    expect(err('wl.u16 == 0x10000')).toBe('"0x10000" too big for this field, maximum 65535.');
    expect(err('wl.u64 == 18446744073709551616')).toBe('"18446744073709551616" too big for this field, maximum 18446744073709551615.');
    expect(err('wl.i8 == 128')).toBe('"128" too big for this field, maximum 127.');
    expect(err('wl.i8 == -129')).toBe('"-129" too small for this field, minimum -128.');
    expect(err('wl.u16 == 12a')).toBe('"12a" is not a valid number.');
    expect(err('wl.u8 == Two')).toBe('"Two" cannot be found among the possible values for wl.u8.');
    expect(err('wl.u16 == "1"')).toBe('Unsigned integer (2 bytes) cannot be converted from a string ("1").');
    expect(err('wl.i32 == "x"')).toBe('Signed integer (4 bytes) cannot be converted from a string ("x").');
  });

  it('a negative literal for an unsigned field is a huge unsigned number (as tshark 4.0)', () => {
    expect(m('wl.u8 > -1', a)).toBe(false);
    expect(m('wl.u8 < -1', a)).toBe(true);
  });
});

describe('booleans', () => {
  const on = acc([[F.flag, true]]);
  const off = acc([[F.flag, false]]);
  it.each([
    ['wl.flag', true, true],
    ['!wl.flag', false, false],
    ['wl.flag == 1', true, false],
    ['wl.flag == 0', false, true],
    ['wl.flag == 7', true, false],
    ['wl.flag == True', true, false],
    ['wl.flag == TRUE', true, false],
    ['wl.flag == False', false, true],
    ['wl.flag == Set', true, false],
    ['wl.flag == "Not set"', false, true],
    ['wl.flag != 1', false, true],
  ])('%s', (f, a, b) => {
    expect([m(f, on), m(f, off)]).toEqual([a, b]);
  });
  it('other words are refused', () => {
    expect(err('wl.flag == true')).toBe('"true" cannot be found among the possible values for wl.flag.');
  });
});

describe('floating point and times', () => {
  const a = acc([[F.dbl, 1.5], [F.rel, '0.000000001'], [F.abs, '1369953917.270862000']]);
  it.each([
    ['wl.dbl == 1.5', true], ['wl.dbl > 1', true], ['wl.dbl < 1e1', true], ['wl.dbl == 15e-1', true], ['wl.dbl in {1..2}', true],
    ['wl.rel == 0.000000001', true], ['wl.rel > 0', true], ['wl.rel < 0.000000002', true], ['wl.rel == 0', false],
    ['wl.abs > 1369953917.270861999', true], ['wl.abs == 1369953917.270862', true], ['wl.abs < 1369953917', false],
    ['wl.abs == "2013-05-30T22:45:17.270862Z"', true], ['wl.abs > "2013-05-30T22:45:17Z"', true],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });
  it('bad literals', () => {
    expect(err('wl.rel > 1e-2')).toBe('"1e-2" is not a valid time.');
    expect(err('wl.rel > "1"')).toBe('Time offset cannot be converted from a string ("1").');
    expect(err('wl.dbl > x')).toBe('"x" is not a valid number.');
  });
});

describe('strings', () => {
  const a = acc([[F.str, 'Hello, World'], [F.str2, 'é\n'], [F.str, 'abc']]);
  it.each([
    ['wl.str == "abc"', true], ['wl.str == abc', true], ['wl.str == "ABC"', false], ['wl.str > "b"', false], ['wl.str < "b"', true],
    ['wl.str contains "World"', true], ['wl.str contains "world"', false], ['wl.str contains World', true],
    ['wl.str matches "world$"', true], ['wl.str matches "(?-i)world$"', false], ['wl.str ~ "^H.*d$"', true],
    ['wl.str matches "(?i)HELLO"', true], ['lower(wl.str) == "hello, world"', true], ['upper(wl.str) contains "ABC"', true],
    ['len(wl.str) == 12', true], ['len(wl.str2) == 3', true], ['wl.str2 == "\\xc3\\xa9\\n"', true], ['wl.str2 == "é\\n"', true],
    ['wl.str2 == "\\u00e9\\n"', true], ['wl.str[0:5] == "Hello"', true], ['wl.str[0:5] == 48:65:6c:6c:6f', true],
    ['wl.str[-3:] == "abc"', true], ['wl.str[7] == "W"', true], ['wl.str2[0:2] == c3:a9', true],
    ['wl.str contains r"\\d"', false], ['wl.str matches r"^\\w+,"', true], ["wl.str contains 'W'", true],
    ['wl.str in {"abc", "x"}', true], ['wl.str in {"b".."c"}', false], ['wl.str in {"a".."b"}', true],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });
  it('matches needs a quoted string; regex errors are reported', () => {
    expect(err('wl.str matches abc')).toBe('Matches requires a double quoted string on the right side.');
    expect(err('wl.str matches "[a"')).toMatch(/^Regex compilation error: /);
    expect(err('wl.u8 matches "a"')).toBe('wl.u8 (type=Unsigned integer (1 byte)) cannot participate in matches comparison.');
  });
});

describe('bytes, MACs, EUI-64', () => {
  const a = acc([
    [F.bytes, Uint8Array.from([0xaa, 0xbb, 0x47, 0x45, 0x54, 0x00])],
    [F.mac, '00:1b:21:3a:4f:5c'],
    [F.mac2, '00:1b:21:3a:4f:5d'],
    [F.eui, '00:11:22:33:44:55:66:77'],
  ]);
  it.each([
    ['wl.bytes == aa:bb:47:45:54:00', true], ['wl.bytes == aabb47455400', true], ['wl.bytes == aa-bb-47-45-54-00', true],
    ['wl.bytes contains "GET"', true], ['wl.bytes contains 47:45', true], ['wl.bytes contains 0xbb', true], ['wl.bytes contains "get"', false],
    ['wl.bytes matches "get"', true], ['wl.bytes matches "^\\xaa"', true], ['wl.bytes > aa', true], ['wl.bytes < ab', true],
    ['wl.bytes[0] == aa', true], ['wl.bytes[0] == 0xaa', true], ['wl.bytes[2:3] == "GET"', true], ['wl.bytes[-1] == 0', true],
    ['wl.bytes[1-2] == bb:47', true], ['wl.bytes[0:1,2:1] == aa:47', true], ['wl.bytes[5:2]', false], ['wl.bytes[6]', false], ['wl.bytes[5:]', true],
    ['wl.bytes[:2] & 0f:f0 == 0a:b0', true], ['wl.bytes[0] & 01', false], ['wl.bytes[0] & 0a', true], ['len(wl.bytes) == 6', true],
    ['wl.mac == 00:1b:21:3a:4f:5c', true], ['wl.mac == 001b.213a.4f5c', true], ['wl.mac == 00-1b-21-3a-4f-5c', true],
    ['wl.mac[0:3] == 00:1b:21', true], ['wl.mac[-1] == 5c', true], ['wl.mac contains 21:3a', true], ['wl.mac < wl.mac2', true],
    ['wl.mac[0:5] == wl.mac2[0:5]', true], ['wl.mac == wl.mac2', false], ['len(wl.mac) == 6', true],
    ['wl.eui == 00:11:22:33:44:55:66:77', true], ['wl.eui[7] == 77', true],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });
  it('wrong lengths and bad byte strings', () => {
    expect(err('wl.mac == 00:1b')).toBe('"00:1b" contains too few bytes to be a valid Ethernet address.');
    expect(err('wl.eui == 00:11:22:33:44:55')).toBe('"00:11:22:33:44:55" contains too few bytes to be a valid EUI64 address.');
    expect(err('wl.bytes == 0x100')).toBe('"0x100" is not a valid byte string.');
    expect(err('wl.bytes == 1:2:3zz')).toBe('"1:2:3zz" is not a valid byte string.');
    expect(err('wl.mac == "00:1b:21:3a:4f:5c"')).toBe('Ethernet or other MAC address cannot be converted from a string ("00:1b:21:3a:4f:5c").');
  });
});

describe('addresses', () => {
  const a = acc([[F.ip, '192.168.1.20'], [F.ip6, 'fe80::1:2'], [F.ip2, '10.0.0.1']]);
  it.each([
    ['wl.ip == 192.168.1.20', true], ['wl.ip == 192.168.1.0/24', true], ['wl.ip == 192.168.0.0/16', true], ['wl.ip == 192.168.2.0/24', false],
    ['wl.ip == 0.0.0.0/0', true], ['wl.ip == 192.168.1.20/32', true], ['wl.ip != 10.0.0.0/8', true], ['wl.ip > 192.168.1.19', true],
    ['wl.ip in {192.168.1.1..192.168.1.100}', true], ['wl.ip in {10.0.0.0/8, 172.16.0.0/12}', false], ['wl.ip > wl.ip2', true],
    ['wl.ip[0] == c0', true], ['wl.ip[2:2] == 01:14', true], ['len(wl.ip) == 4', true], ['string(wl.ip) == "192.168.1.20"', true],
    ['wl.ip6 == fe80::1:2', true], ['wl.ip6 == fe80:0:0:0:0:0:1:2', true], ['wl.ip6 == fe80::/10', true], ['wl.ip6 == fe80::/64', true],
    ['wl.ip6 == fec0::/10', false], ['wl.ip6 > fe80::1', true], ['wl.ip6[0:2] == fe:80', true], ['wl.ip6[-2:] == 00:02', true],
    ['string(wl.ip6) == "fe80::1:2"', true], ['wl.ip6 == ::ffff:1.2.3.4', false],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });
  it('bad addresses and prefixes', () => {
    expect(err('wl.ip == 1.2.3')).toBe('"1.2.3" is not a valid hostname or IPv4 address.');
    expect(err('wl.ip == 1.2.3.4/33')).toBe('Netmask bits in a CIDR IPv4 address should be <= 32, not 33');
    expect(err('wl.ip6 == fe80:::1')).toBe('"fe80:::1" is not a valid hostname or IPv6 address.');
    expect(err('wl.ip6 == ::/129')).toBe('Prefix in a IPv6 address should be <= 128, not 129');
    expect(err('wl.ip contains 1')).toBe('wl.ip (type=IPv4 address) cannot participate in contains comparison.');
    expect(err('wl.ip == "1.2.3.4"')).toBe('IPv4 address cannot be converted from a string ("1.2.3.4").');
  });
});

describe('protocols, labels, layers, references', () => {
  const data = Uint8Array.from([0x45, 0x00, 0x00, 0x1c, 0x47, 0x45, 0x54, 0x20, 0x2f]);
  const proto: FieldNode = { def: T.proto, start: 0, len: 4, value: null };
  const a = Object.assign(nodesAccessor([proto, { def: F.label, start: 1, len: 2, value: null }], data), {
    extent: (n: FieldNode) => (n === proto ? 9 : n.start + n.len),
  });
  it.each([
    ['wl', true], ['wl.label', true], ['wl[0] == 45', true], ['wl[0:4] == 45:00:00:1c', true], ['wl[4]', false], ['wl[-1] == 1c', true],
    ['len(wl) == 4', true], ['wl contains "GET"', true], ['wl matches "get /"', true], ['wl == 45:00:00:1c', true], ['wl > 44', true],
    ['wl[0] == "E"', true], ['wl.u8 == ${wl.u8}', false],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });
  it('labels cannot be compared', () => {
    expect(err('wl.label == 1')).toBe("wl.label (type=Label) cannot participate in 'any_eq' comparison.");
  });
  it('without an extent, contains looks at the protocol header only', () => {
    expect(m('wl contains "GET"', nodesAccessor([proto], data))).toBe(false);
  });

  it('# picks occurrences by layer', () => {
    const n1: FieldNode = { def: F.ip, start: 0, len: 4, value: '10.0.0.1' };
    const n2: FieldNode = { def: F.ip, start: 0, len: 4, value: '10.0.0.2' };
    const b = Object.assign(nodesAccessor([n1, n2]), { layer: (n: FieldNode) => (n === n1 ? 1 : 2) });
    expect(m('wl.ip#1 == 10.0.0.1', b)).toBe(true);
    expect(m('wl.ip#2 == 10.0.0.1', b)).toBe(false);
    expect(m('wl.ip#2 == 10.0.0.2', b)).toBe(true);
    expect(m('wl.ip#[1-2] === 10.0.0.2', b)).toBe(false);
    expect(m('wl.ip#[2:5] === 10.0.0.2', b)).toBe(true);
    expect(m('wl.ip#3', b)).toBe(false);
    expect(m('count(wl.ip#2) == 1', b)).toBe(true);
    expect(m('wl.ip#1', nodesAccessor([n1, n2]))).toBe(true);
  });
});

describe('functions', () => {
  const a = acc([[F.u8, 3], [F.u8, 9], [F.u16, 4], [F.str, 'MiXed'], [F.i8, -7], [F.flag, true], [F.mac, '00:1b:21:3a:4f:5c'], [F.rel, '1.5']]);
  it.each([
    ['count(wl.u8) == 2', true], ['count(wl.u16) == 1', true], ['count(wl.ip) == 0', false], ['max(wl.u8) == 9', true], ['min(wl.u8) == 3', true],
    ['max(wl.u8, wl.u8) == 9', true], ['abs(wl.i8) == 7', true], ['lower(wl.str) == "mixed"', true], ['upper(wl.str) == "MIXED"', true],
    ['string(wl.u8) == "9"', true], ['string(wl.u8) matches "^[0-9]$"', true], ['string(wl.mac) == "00:1b:21:3a:4f:5c"', true],
    ['string(wl.rel) == "1.500000000"', true], ['string(wl.flag) == "1"', true], ['len(wl.u16) == 0', true],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });
  it('misuse', () => {
    expect(err('max(wl.u8, wl.u16) == 1')).toBe("Arguments to 'max' must have the same type (expected FT_UINT8, got FT_UINT16)");
    expect(err('nope(wl.u8) == 1')).toBe("Function 'nope' does not exist");
    expect(err('len(wl.u8[0]) == 1')).toBe('"wl.u8" is a Unsigned integer (1 byte) and cannot be sliced into a sequence of bytes.');
    expect(err('len("x") == 1')).toBe('Only fields can be used as parameter for len()');
    expect(err('string(wl.str) == "x"')).toBe('String conversion for field "wl.str" is not supported');
  });
});

describe('logic', () => {
  const a = acc([[F.u8, 1]]);
  it.each([
    ['wl.u8 == 1 and wl.u16', false], ['wl.u8 == 1 or wl.u16', true], ['wl.u8 == 1 xor wl.u16', true], ['wl.u8 ^^ wl.u8', false],
    ['not wl.u16', true], ['!!wl.u8', true], ['wl.u16 or not wl.u16 and wl.u8', true], ['(wl.u16 or not wl.u16) and wl.u16', false],
  ])('%s', (f, want) => {
    expect(m(f, a)).toBe(want);
  });
});

describe('robustness', () => {
  const FILTERS = [
    'wl.u8 == 17', 'wl.u64 > 5', 'wl.i8 < 0', 'wl.flag', 'wl.dbl > 1', 'wl.rel > 0.5', 'wl.abs < 5', 'wl.str contains "a"',
    'wl.str matches "^a"', 'wl.bytes[1:2] == 00:01', 'wl.mac[0] & 1', 'wl.ip == 10.0.0.0/8', 'wl.ip6 == ::/0', 'wl[0] == 1',
    'len(wl.str) > 1', 'wl.u8 + wl.i8 == 1', 'wl.u32 / wl.u8 == 1', 'wl.u64 % wl.u8 == 0', 'string(wl.ip) == "x"',
    'max(wl.u8) == 3', 'wl.eui contains 00', 'wl.bytes contains "x"', 'wl.str2 > "a"', 'wl.num in {1..3}', 'upper(wl.str) == "A"',
    'wl.ip6[0:2] == fe:80', 'string(wl.abs) == "x"', 'abs(wl.dbl) > 0', 'wl.label', 'count(wl.u8) == 1', 'wl.u8 in {wl.u16}',
  ].map((f) => compileFilter(f, idx));
  const defs = Object.values(F).concat([T.proto]);
  const anyValue = fc.oneof(
    fc.integer(),
    fc.bigInt(),
    fc.double(),
    fc.boolean(),
    fc.string(),
    fc.uint8Array({ maxLength: 20 }),
    fc.constant(null),
    fc.constantFrom('10.0.0.1', 'fe80::1', '00:1b:21:3a:4f:5c', '1.5', '-0.000000001', ''),
  );
  it('any values under any fields never make match throw, and it always answers a boolean', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...defs), anyValue, fc.integer({ min: -5, max: 80 }), fc.integer({ min: -5, max: 80 })), { maxLength: 12 }),
        fc.uint8Array({ maxLength: 40 }),
        (occs, data) => {
          const nodes: FieldNode[] = occs.map(([def, value, start, len]) => ({ def, value: value as FieldValue, start, len }));
          const x = nodesAccessor(nodes, data);
          for (const f of FILTERS) expect(typeof f.match(x)).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});
