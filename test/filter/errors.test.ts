/**
 * Compile errors: the message and caret that tshark 4.0.17 prints for each bad filter
 * (`tshark -Y FILTER` stderr, without the `tshark: ` prefix), recorded below.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, fieldIndex, FilterError } from '../../src/filter/index.js';
import { PROTOCOLS } from '../../src/protocols/index.js';

const idx = fieldIndex(PROTOCOLS);

function error(filter: string): FilterError {
  try {
    compileFilter(filter, idx);
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw e;
  }
  throw new Error(`no error for ${filter}`);
}

const TSHARK: readonly (readonly [string, string])[] = [
  ['dns.qry.type == A', '"A" cannot be found among the possible values for dns.qry.type.\n    dns.qry.type == A\n                    ^'],
  ["ip.bogus == 1", "Left side of \"==\" expression must be a field or function, not ip.bogus.\n    ip.bogus == 1\n    ^~~~~~~~"],
  ["foo", "foo is neither a field nor a protocol name.\n    foo\n    ^~~"],
  ["\"abc\"", "\"abc\" is neither a field nor a protocol name.\n    \"abc\"\n    ^~~~~"],
  ["ip.src == 1.2.3", "\"1.2.3\" is not a valid hostname or IPv4 address.\n    ip.src == 1.2.3\n              ^~~~~"],
  ["ip.ttl == abc", "\"abc\" is not a valid number.\n    ip.ttl == abc\n              ^~~"],
  ["ip.ttl == 300", "\"300\" too big for this field, maximum 255.\n    ip.ttl == 300\n              ^~~"],
  ["ip.ttl == 0xff1", "\"0xff1\" too big for this field, maximum 255.\n    ip.ttl == 0xff1\n              ^~~~~"],
  ["ip.ttl == 09", "\"09\" is not a valid number.\n    ip.ttl == 09\n              ^~"],
  ["ip.ttl == 1e2", "\"1e2\" is not a valid number.\n    ip.ttl == 1e2\n              ^~~"],
  ["ip.src == 10.0.0.0/33", "Netmask bits in a CIDR IPv4 address should be <= 32, not 33\n    ip.src == 10.0.0.0/33\n              ^~~~~~~~~~~"],
  ["ipv6.addr == ::1/129", "Prefix in a IPv6 address should be <= 128, not 129\n    ipv6.addr == ::1/129\n                 ^~~~~~~"],
  ["ip.src == 300.1.1.1", "\"300.1.1.1\" is not a valid hostname or IPv4 address.\n    ip.src == 300.1.1.1\n              ^~~~~~~~~"],
  ["ip.proto == udp", "ip.proto and udp are not of compatible types.\n    ip.proto == udp\n                ^~~"],
  ["ip.proto == FOO", "\"FOO\" cannot be found among the possible values for ip.proto.\n    ip.proto == FOO\n                ^~~"],
  ["ip.ttl == \"64\"", "Unsigned integer (1 byte) cannot be converted from a string (\"64\").\n    ip.ttl == \"64\"\n              ^~~~"],
  ["ip.flags.df == true", "\"true\" cannot be found among the possible values for ip.flags.df.\n    ip.flags.df == true\n                   ^~~~"],
  ["ip.flags.df == \"1\"", "\"1\" cannot be found among the possible values for ip.flags.df.\n    ip.flags.df == \"1\"\n                   ^~~"],
  ["ip and and", "\"and\" was unexpected in this context.\n    ip and and\n           ^~~"],
  ["ip.ttl in {1 2}", "\"2\" was unexpected in this context.\n    ip.ttl in {1 2}\n                 ^"],
  ["ip.ttl in {}", "\"}\" was unexpected in this context.\n    ip.ttl in {}\n               ^"],
  ["ip.ttl in {1..}", "\"}\" was unexpected in this context.\n    ip.ttl in {1..}\n                  ^"],
  ["ip.ttl in {..2}", "\"..\" was unexpected in this context.\n    ip.ttl in {..2}\n               ^~"],
  ["ip.ttl in {1,}", "\"}\" was unexpected in this context.\n    ip.ttl in {1,}\n                 ^"],
  ["frame contains \"abc", "The final quote was missing from a quoted string.\n    frame contains \"abc\n                       ^"],
  ["frame contains \"\\q\"", "\\q is not a valid character escape sequence\n    frame contains \"\\q\"\n                    ^~"],
  ["dns.qry.name == \"\\u0038\"", "\\u0038 is not a valid universal character name\n    dns.qry.name == \"\\u0038\"\n                     ^~~~~~"],
  ["ip.src == ", "Unexpected end of filter expression."],
  ["(ip", "Unexpected end of filter expression."],
  ["!", "Unexpected end of filter expression."],
  ["not", "Unexpected end of filter expression."],
  [")", "\")\" was unexpected in this context.\n    )\n    ^"],
  ["}", "\"}\" was unexpected in this context.\n    }\n    ^"],
  ["ip.ttl == 64 )", "\")\" was unexpected in this context.\n    ip.ttl == 64 )\n                 ^"],
  ["ip.src == 1.2.3.4 1", "\"1\" was unexpected in this context.\n    ip.src == 1.2.3.4 1\n                      ^"],
  ["ip.ttl =! 3", "\"=\" was unexpected in this context.\n    ip.ttl =! 3\n           ^"],
  ["ip.ttl = 3", "\"=\" was unexpected in this context.\n    ip.ttl = 3\n           ^"],
  ["ip AND udp", "\"AND\" was unexpected in this context.\n    ip AND udp\n       ^~~"],
  ["ip.ttl EQ 64", "\"EQ\" was unexpected in this context.\n    ip.ttl EQ 64\n           ^~"],
  ["ip.ttl == 1 == 2", "Left side of \"==\" expression must be a field or function, not 1.\n    ip.ttl == 1 == 2\n              ^"],
  ["ip.ttl < 100 < ip.len", "Left side of \"<\" expression must be a field or function, not 100.\n    ip.ttl < 100 < ip.len\n             ^~~"],
  ["foo(ip.ttl)", "Function 'foo' does not exist\n    foo(ip.ttl)\n    ^~~"],
  ["len(ip.ttl, 1)", "You cannot test whether a function is present.\n    len(ip.ttl, 1)\n    ^~~"],
  ["len(5) == 1", "Only fields can be used as parameter for len()\n    len(5) == 1\n        ^"],
  ["ip.src contains 1", "ip.src (type=IPv4 address) cannot participate in contains comparison.\n    ip.src contains 1\n    ^~~~~~"],
  ["ip.ttl contains 1", "ip.ttl (type=Unsigned integer (1 byte)) cannot participate in contains comparison.\n    ip.ttl contains 1\n    ^~~~~~"],
  ["udp.port matches \"x\"", "udp.port (type=Unsigned integer (2 bytes)) cannot participate in matches comparison.\n    udp.port matches \"x\"\n    ^~~~~~~~"],
  ["frame matches 8", "Matches requires a double quoted string on the right side.\n    frame matches 8\n                  ^"],
  ["eth.src == 00:1b", "\"00:1b\" contains too few bytes to be a valid Ethernet address.\n    eth.src == 00:1b\n               ^~~~~"],
  ["eth.src == 00:1b:21:3a:4f:5c:11", "\"00:1b:21:3a:4f:5c:11\" contains too many bytes to be a valid Ethernet address.\n    eth.src == 00:1b:21:3a:4f:5c:11\n               ^~~~~~~~~~~~~~~~~~~~"],
  ["eth.src == xx", "\"xx\" is not a valid Ethernet address.\n    eth.src == xx\n               ^~"],
  ["eth.src == \"02:1a:11:f0:c8:3b\"", "Ethernet or other MAC address cannot be converted from a string (\"02:1a:11:f0:c8:3b\").\n    eth.src == \"02:1a:11:f0:c8:3b\"\n               ^~~~~~~~~~~~~~~~~~~"],
  ["frame[0:3] == xx", "\"xx\" is not a valid byte string.\n    frame[0:3] == xx\n                  ^~"],
  ["frame[0:3] == 0x100", "\"0x100\" is not a valid byte string.\n    frame[0:3] == 0x100\n                  ^~~~~"],
  ["frame[1:2:3]", "\"1:2:3\" is not a valid range.\n    frame[1:2:3]\n          ^~~~~"],
  ["frame[a]", "\"a\" is not a valid number.\n    frame[a]\n          ^"],
  ["frame[-1-2]", "Range -1-2 isn't valid because -1 and 2 have different signs\n    frame[-1-2]\n          ^~~~"],
  ["frame[1-0]", "Range 1-0 isn't valid because 1 is greater or equal than 0\n    frame[1-0]\n          ^~~"],
  ["frame[1-1]", "Range 1-1 isn't valid because 1 is greater or equal than 1\n    frame[1-1]\n          ^~~"],
  ["frame[0:0]", "Range 0:0 isn't valid because length 0 isn't positive\n    frame[0:0]\n          ^~~"],
  ["frame[0:-1]", "Range 0:-1 isn't valid because length -1 isn't positive\n    frame[0:-1]\n          ^~~~"],
  ["ip.ttl[0]", "\"ip.ttl\" is a Unsigned integer (1 byte) and cannot be sliced into a sequence of bytes.\n    ip.ttl[0]\n    ^~~~~~"],
  ["ip.ttl# 1", "Expected digit or \"[\", not \" \"\n    ip.ttl# 1\n           ^"],
  ["ip #x", "Expected digit or \"[\", not \"x\"\n    ip #x\n        ^"],
  ["frame.time_relative < 1e-2", "\"1e-2\" is not a valid time.\n    frame.time_relative < 1e-2\n                          ^~~~"],
  ["max(ip.ttl, ip.len) > 80", "Arguments to 'max' must have the same type (expected FT_UINT8, got FT_UINT16)\n    max(ip.ttl, ip.len) > 80\n                ^~~~~~"],
  ["ip.ttl ^ 2", "\"^\" was unexpected in this context.\n    ip.ttl ^ 2\n           ^"],
  ["eth.src == 1", "\"1\" contains too few bytes to be a valid Ethernet address.\n    eth.src == 1\n               ^"],
  ["ip.ttl == 64 &&", "Unexpected end of filter expression."],
  ["ip.ttl == 1 and (ip.ttl == 2", "Unexpected end of filter expression."],
];

describe('error messages as tshark 4.0 prints them', () => {
  for (const [filter, expected] of TSHARK) {
    it(filter, () => {
      expect(error(filter).format(filter)).toBe(expected);
    });
  }
});

describe('FilterError carries the place', () => {
  it('offset and length of the offending text', () => {
    const e = error('ip.ttl == 64 && ip.src == 10.1.2.3/40');
    expect(e.offset).toBe(26);
    expect(e.length).toBe('10.1.2.3/40'.length);
    expect(e.message).toBe('Netmask bits in a CIDR IPv4 address should be <= 32, not 40');
  });

  it('no place for an unexpected end', () => {
    const e = error('ip.ttl == 64 and');
    expect(e.offset).toBe(-1);
    expect(e.format('ip.ttl == 64 and')).toBe('Unexpected end of filter expression.');
  });

  it('a caret is at least one character wide', () => {
    const e = new FilterError('x', 3, 0);
    expect(e.format('abcdef')).toBe('x\n    abcdef\n       ^');
  });

  it('unknown names are unknown until a protocol declares them', () => {
    expect(error('ip.bogus').message).toBe('ip.bogus is neither a field nor a protocol name.');
    const only = fieldIndex([]);
    expect(() => compileFilter('ip', only)).toThrow('ip is neither a field nor a protocol name.');
    expect(compileFilter('frame.len > 1', only).fields).toEqual(new Set(['frame.len']));
  });
});

describe('errors of our own (no tshark 4.0 counterpart)', () => {
  it.each([
    ['len()', 'You cannot test whether a function is present.'],
    ['len() == 1', 'Function len() takes exactly 1 argument.'],
    ['count(1) == 1', 'Only fields can be used as parameter for count()'],
    ['lower(ip.ttl) == "a"', 'Only string type fields can be used as parameter for lower()'],
    ['abs(ip.src) == 1', 'Only numeric types can be used as parameter for abs()'],
    ['min() == 1', 'Function min() requires at least 1 argument.'],
    ['1 + 2 == ip.ttl', 'Constant arithmetic expression on the LHS is invalid.'],
    ['ip.src + 1 == 2', 'ip.src (type=IPv4 address) cannot participate in arithmetic.'],
    ['frame.protocols matches "(?x)a"', 'Regex compilation error: the (?x) option is not supported.'],
    ['"a" in {1}', 'Left side of "in" expression must be a field or function, not "a".'],
    ['ip.src == ${ip.bogus}', 'ip.bogus is neither a field nor a protocol name.'],
    ["ip.ttl == 'ab'", "The final quote was missing from a character constant."],
    ["ip.ttl == ''", "'' is not a valid character constant."],
  ])('%s', (filter, message) => {
    expect(error(filter).message).toBe(message);
  });

  it('a filter too long for the stack', () => {
    const s = Array.from({ length: 200000 }, () => 'ip').join(' or ');
    expect(error(s).message).toBe('Filter is too long.');
  });

  it('a bad regular expression', () => {
    expect(error('frame.protocols matches "(("').message).toMatch(/^Regex compilation error: /);
  });
});
