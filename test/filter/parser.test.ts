/** Display-filter syntax: tokens, precedence, every operator spelling and literal kind, ranges, round trip. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, Operand } from '../../src/filter/index.js';
import { FilterError, parseFilter, parseRanges, printExpr, stripSpans, tokenize } from '../../src/filter/index.js';

/** The canonical (fully parenthesised) form shows how a filter was grouped. */
const shape = (s: string): string => printExpr(parseFilter(s));

describe('tokens', () => {
  it('words, operators, strings, characters and slices with their offsets', () => {
    const t = tokenize('ip.src==10.0.0.0/8 && eth.src[0:3] != "a\\x41" || x ~ \'\\n\'');
    expect(t.map((x) => [x.kind, x.text, x.pos])).toEqual([
      ['word', 'ip.src', 0],
      ['op', '==', 6],
      ['word', '10.0.0.0/8', 8],
      ['op', '&&', 19],
      ['word', 'eth.src', 22],
      ['range', '0:3', 30],
      ['op', '!=', 35],
      ['string', '"a\\x41"', 38],
      ['op', '||', 46],
      ['word', 'x', 49],
      ['op', '~', 51],
      ['char', "'\\n'", 53],
      ['eof', '', 57],
    ]);
    expect(Array.from(t[7]!.bytes!)).toEqual([0x61, 0x41]);
    expect(t[11]!.value).toBe(10);
  });

  it('longest operator first: === !== before == !=', () => {
    expect(tokenize('a===b!==c~=d').filter((x) => x.kind === 'op').map((x) => x.text)).toEqual(['===', '!==', '~=']);
  });

  it('a set range splits numbers and addresses: 1..5, 10.0.0.1..10.0.0.9', () => {
    expect(tokenize('{1..5}').map((x) => x.text)).toEqual(['{', '1', '..', '5', '}', '']);
    expect(tokenize('10.0.0.1..10.0.0.9').map((x) => x.text)).toEqual(['10.0.0.1', '..', '10.0.0.9', '']);
  });

  it('IPv6 and MAC literals and a-b are single words; a leading - is an operator', () => {
    expect(tokenize('::1 fe80::1/64 00:1b:21 a-b -1').map((x) => x.text)).toEqual(['::1', 'fe80::1/64', '00:1b:21', 'a-b', '-', '1', '']);
  });

  it('string escapes: octal, hex, \\u, quotes, backslash; raw strings keep backslashes', () => {
    const b = (s: string) => Array.from(tokenize(s)[0]!.bytes!);
    expect(b('"\\101\\x42\\"\\\\\\a\\b\\f\\n\\r\\t\\v\\\'"')).toEqual([65, 66, 34, 92, 7, 8, 12, 10, 13, 9, 11, 39]);
    expect(b('"\\u00e9\\U0001F600"')).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]);
    expect(b('"é"')).toEqual([0xc3, 0xa9]);
    expect(b('r"a\\d\\"b"')).toEqual([0x61, 0x5c, 0x64, 0x5c, 0x22, 0x62]);
    expect(tokenize('r"x"')[0]!.raw).toBe(true);
  });

  it('character constants', () => {
    expect(tokenize("'a'")[0]!.value).toBe(97);
    expect(tokenize("'\\x0a'")[0]!.value).toBe(10);
    expect(tokenize("'\\012'")[0]!.value).toBe(10);
    expect(tokenize("'\\''")[0]!.value).toBe(39);
  });

  it('bad strings and characters are FilterErrors with a place', () => {
    expect(() => tokenize('"abc')).toThrow('The final quote was missing from a quoted string.');
    expect(() => tokenize('"\\xzz"')).toThrow(FilterError);
    expect(() => tokenize('"\\777"')).toThrow('\\777 is not a valid character escape sequence');
    expect(() => tokenize('x @ y')).toThrow('"@" was unexpected in this context.');
    expect(() => tokenize('frame[0')).toThrow('Unexpected end of filter expression.');
  });
});

describe('precedence and grouping', () => {
  it.each([
    ['a and b or c', '(a and b) or c'],
    ['a or b and c', 'a or (b and c)'],
    ['A and B or not C or D and not E or F', '(((A and B) or (not C)) or (D and (not E))) or F'],
    ['not a and b', '(not a) and b'],
    ['!a || !b', '(!a) || (!b)'],
    ['not not a', 'not (not a)'],
    ['a or b or c', '(a or b) or c'],
    ['a and (b or c)', 'a and (b or c)'],
    ['((a))', 'a'],
    ['a xor b or c', '(a xor b) or c'],
    ['a or b xor c', 'a or (b xor c)'],
    ['a and b ^^ c and d', '(a and b) ^^ (c and d)'],
    ['not a == 1', 'not (a == 1)'],
    ['a == 1 && b', '(a == 1) && b'],
    ['a & 4 == 4', 'a & 4 == 4'],
    ['a + 1 * 2 == 3', 'a + {1 * 2} == 3'],
    ['{a + 1} * 2 == 3', '{a + 1} * 2 == 3'],
    ['a - b - c == 0', '{a - b} - c == 0'],
    ['a -1 == 3', 'a - 1 == 3'],
    ['a == -1', 'a == -1'],
    ['a & 1 + 2', 'a & {1 + 2}'],
    ['a % 3 == b / 2', 'a % 3 == b / 2'],
    ['a == 1 == b', 'a == 1 == b'],
    ['all a > 1', 'all a > 1'],
    ['any a != 1', 'any a != 1'],
    ['a in {1, 2..3}', 'a in {1, 2..3}'],
    ['a not in {1}', 'a not in {1}'],
    ['not a in {1}', 'not (a in {1})'],
    ['a[1:2][0] == 1', 'a[1:2][0] == 1'],
    ['len(a) > 1 and count(b) == 2', '(len(a) > 1) and (count(b) == 2)'],
    ['max(a, b, c) == 1', 'max(a, b, c) == 1'],
    ['ip.addr#2 == 1 or tcp.port#[1-2]', '(ip.addr#2 == 1) or tcp.port#[1-2]'],
    ['ip.addr #2', 'ip.addr#2'],
    ['a == ${b}', 'a == ${b}'],
  ])('%s  =>  %s', (input, out) => {
    expect(shape(input)).toBe(out);
  });
});

describe('operator spellings', () => {
  const op = (s: string) => {
    const e = parseFilter(s);
    if (e.kind !== 'compare') throw new Error('not a comparison');
    return e.ops[0]!.op;
  };
  it.each([
    ['==', 'any_eq'], ['eq', 'any_eq'], ['any_eq', 'any_eq'],
    ['!=', 'all_ne'], ['ne', 'all_ne'], ['all_ne', 'all_ne'],
    ['===', 'all_eq'], ['all_eq', 'all_eq'],
    ['!==', 'any_ne'], ['any_ne', 'any_ne'], ['~=', 'any_ne'],
    ['>', 'gt'], ['gt', 'gt'], ['>=', 'ge'], ['ge', 'ge'],
    ['<', 'lt'], ['lt', 'lt'], ['<=', 'le'], ['le', 'le'],
    ['contains', 'contains'], ['matches', 'matches'], ['~', 'matches'],
  ])('%s is %s', (spelling, meaning) => {
    expect(op(`a ${spelling} "b"`)).toBe(meaning);
  });

  it('logical spellings', () => {
    const e = parseFilter('a && b') as Extract<Expr, { kind: 'logic' }>;
    expect([e.op, e.opText]).toEqual(['and', '&&']);
    expect((parseFilter('a || b') as Extract<Expr, { kind: 'logic' }>).op).toBe('or');
    expect((parseFilter('a ^^ b') as Extract<Expr, { kind: 'logic' }>).op).toBe('xor');
    expect(parseFilter('! a').kind).toBe('not');
    const band = parseFilter('a bitwise_and 2') as Extract<Expr, { kind: 'test' }>;
    expect(band.value.kind === 'arith' && band.value.op).toBe('&');
  });

  it('keywords are lower case only: AND is a word, and is unexpected as one', () => {
    expect(() => parseFilter('ip AND udp')).toThrow('"AND" was unexpected in this context.');
    expect(() => parseFilter('and')).toThrow('"and" was unexpected in this context.');
  });
});

describe('literal kinds in the tree', () => {
  const rhs = (s: string): Operand => {
    const e = parseFilter(s);
    if (e.kind !== 'compare') throw new Error('not a comparison');
    return e.operands[1]!;
  };
  it.each([
    ['a == 42', 'word'],
    ['a == 0x2a', 'word'],
    ['a == 052', 'word'],
    ['a == 0b101010', 'word'],
    ['a == 10.0.0.0/8', 'word'],
    ['a == fe80::1', 'word'],
    ['a == 00:1b:21:3a:4f:5c', 'word'],
    ['a == UDP', 'word'],
    ['a == "x"', 'string'],
    ['a == r"x"', 'string'],
    ["a == 'x'", 'char'],
    ['a == -5', 'neg'],
    ['a == b[0]', 'slice'],
    ['a == len(b)', 'call'],
    ['a == b + 1', 'arith'],
    ['a == ${b}', 'ref'],
  ])('%s: %s', (s, kind) => {
    expect(rhs(s).kind).toBe(kind);
  });

  it('positions cover the operand text', () => {
    const s = 'eth.src[1:2] contains "ab"';
    const e = parseFilter(s) as Extract<Expr, { kind: 'compare' }>;
    const [l, r] = e.operands;
    expect(s.slice(l!.pos, l!.pos + l!.len)).toBe('eth.src[1:2]');
    expect(s.slice(r!.pos, r!.pos + r!.len)).toBe('"ab"');
    expect([e.pos, e.len]).toEqual([0, s.length]);
  });
});

describe('slice ranges', () => {
  it.each([
    ['0:3', { start: 0, length: 3 }],
    ['1-3', { start: 1, end: 3 }],
    ['-1', { start: -1, length: 1 }],
    ['5', { start: 5, length: 1 }],
    [':2', { start: 0, length: 2 }],
    ['4:', { start: 4 }],
    ['-4:', { start: -4 }],
    ['-3--1', { start: -3, end: -1 }],
  ])('[%s]', (text, want) => {
    const [r] = parseRanges(text, 10);
    expect({ start: r!.start, length: r!.length, end: r!.end }).toEqual({ length: undefined, end: undefined, ...want });
    expect(r!.pos).toBe(10);
  });

  it('lists, with the place of each item', () => {
    const rs = parseRanges('1, 3-5,9:', 0);
    expect(rs.map((r) => [r.text, r.pos])).toEqual([['1', 0], ['3-5', 3], ['9:', 7]]);
  });

  it('invalid ranges', () => {
    expect(() => parseRanges('1:2:3', 0)).toThrow('"1:2:3" is not a valid range.');
    expect(() => parseRanges('2-1', 0)).toThrow("Range 2-1 isn't valid because 2 is greater or equal than 1");
    expect(() => parseRanges('0:0', 0)).toThrow("Range 0:0 isn't valid because length 0 isn't positive");
    expect(() => parseRanges('-2-3', 0)).toThrow("Range -2-3 isn't valid because -2 and 3 have different signs");
    expect(() => parseRanges('x', 0)).toThrow('"x" is not a valid number.');
    expect(() => parseRanges('', 4)).toThrow(FilterError);
  });
});

describe('limits', () => {
  it('deep nesting is a FilterError, not a stack overflow', () => {
    for (const s of ['('.repeat(5000) + 'a' + ')'.repeat(5000), '!'.repeat(5000) + 'a', 'a == ' + '-'.repeat(5000) + '1', 'a == ' + '{'.repeat(5000) + '1' + '}'.repeat(5000), 'len('.repeat(5000) + 'a' + ')'.repeat(5000)]) {
      expect(() => parseFilter(s)).toThrow('Filter is nested too deeply.');
    }
  });
  it('nesting within the limit parses', () => {
    expect(shape('('.repeat(200) + 'a' + ')'.repeat(200))).toBe('a');
    expect(shape('not '.repeat(100) + 'a').startsWith('not (not (')).toBe(true);
  });
  it('long flat chains parse', () => {
    const s = Array.from({ length: 3000 }, (_, i) => `a == ${i}`).join(' or ');
    expect(parseFilter(s).kind).toBe('logic');
  });
});

describe('syntax errors', () => {
  it.each([
    ['ip.ttl == 64 )', '")" was unexpected in this context.', 13],
    ['ip and and', '"and" was unexpected in this context.', 7],
    ['a in {1 2}', '"2" was unexpected in this context.', 8],
    ['all a', 'Unexpected end of filter expression.', -1],
    ['a == 1 in {1}', '"in" was unexpected in this context.', 7],
    ['a#x', 'Expected digit or "[", not "x"', 2],
    ['a#', 'Unexpected end of filter expression.', -1],
    ['a == $x', '"x" was unexpected in this context.', 6],
    ['(a', 'Unexpected end of filter expression.', -1],
    ['a == ()', '"(" was unexpected in this context.', 5],
    ['f(a b)', '"b" was unexpected in this context.', 4],
    ['[0]', '"[" was unexpected in this context.', 0],
  ])('%s', (s, msg, at) => {
    let err: FilterError | undefined;
    try {
      parseFilter(s);
    } catch (e) {
      err = e as FilterError;
    }
    expect(err).toBeInstanceOf(FilterError);
    expect(err!.message).toBe(msg);
    expect(err!.offset).toBe(at);
  });
});

// ---- round trip: parse(print(ast)) gives the same tree ----

const fieldName = fc.constantFrom('ip.src', 'ip.ttl', 'eth.dst', 'udp.port', 'frame.len', 'dns.qry.name', 'tcp', 'a_b-c');
const word = fc.oneof(
  fieldName,
  fc.nat({ max: 70000 }).map(String),
  fc.nat({ max: 255 }).map((n) => '0x' + n.toString(16)),
  fc.constantFrom('10.0.0.0/8', '192.168.1.1', 'fe80::1', '::', '00:1b:21', 'ff-ff-ff-ff-ff-ff', 'UDP', 'True'),
);
const strLit = fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s.replace(/[\u0000-\u001f\u007f-\uffff]/g, '')));

function operandArb(depth: number): fc.Arbitrary<string> {
  const atom = fc.oneof(
    { weight: 4, arbitrary: word },
    { weight: 1, arbitrary: strLit },
    { weight: 1, arbitrary: fc.constantFrom("'a'", "'\\n'", "'\\x41'") },
    { weight: 1, arbitrary: fieldName.map((f) => `${f}#${1 + (f.length % 3)}`) },
    { weight: 1, arbitrary: fc.tuple(fieldName, fc.constantFrom('0:3', '1-2', '-1', ':2', '4:', '0:2,4')).map(([f, r]) => `${f}[${r}]`) },
  );
  if (depth <= 0) return atom;
  const sub = operandArb(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom('+', '-', '*', '/', '%', '&', 'bitwise_and'), sub).map(([a, o, b]) => `{${a} ${o} ${b}}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('len', 'lower', 'max'), fc.array(sub, { minLength: 1, maxLength: 3 })).map(([f, a]) => `${f}(${a.join(', ')})`) },
    { weight: 1, arbitrary: sub.map((a) => `-${a}`) },
  );
}

function exprArb(depth: number): fc.Arbitrary<string> {
  const operand = operandArb(1);
  const cmp = fc.constantFrom('==', '!=', '===', '!==', '~=', '<', '<=', '>', '>=', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'any_eq', 'all_ne', 'all_eq', 'any_ne', 'contains', 'matches', '~');
  const leaf = fc.oneof(
    operand,
    fc.tuple(fc.constantFrom('', 'any ', 'all '), operand, cmp, operand).map(([q, a, o, b]) => `${q}${a} ${o} ${b}`),
    fc.tuple(operand, cmp, operand, cmp, operand).map(([a, o, b, p, c]) => `${a} ${o} ${b} ${p} ${c}`),
    fc.tuple(operand, fc.boolean(), fc.array(fc.tuple(operand, fc.option(operand)), { minLength: 1, maxLength: 3 })).map(
      ([a, neg, items]) => `${a} ${neg ? 'not in' : 'in'} {${items.map(([lo, hi]) => (hi === null ? lo : `${lo}..${hi}`)).join(', ')}}`,
    ),
  );
  if (depth <= 0) return leaf;
  const sub = exprArb(depth - 1);
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 1, arbitrary: fc.tuple(sub, fc.constantFrom('and', '&&', 'or', '||', 'xor', '^^'), sub).map(([a, o, b]) => `(${a}) ${o} (${b})`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('not ', '!'), sub).map(([n, a]) => `${n}(${a})`) },
  );
}

describe('round trip', () => {
  it('parse(print(parse(s))) is the tree of parse(s)', () => {
    fc.assert(
      fc.property(exprArb(3), (s) => {
        const ast = parseFilter(s);
        const printed = printExpr(ast);
        const again = parseFilter(printed);
        expect(stripSpans(again)).toEqual(stripSpans(ast));
        expect(printExpr(again)).toBe(printed);
      }),
      { numRuns: 400 },
    );
  });

  it('random text never throws anything but FilterError', () => {
    const alphabet = fc.constantFrom(...'ip.src ==!&|^~<>(){}[]:,-+*/%#$"\'r\\ 0123456789abcdefx'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }).map((a) => a.join('')), (s) => {
        try {
          parseFilter(s);
        } catch (e) {
          expect(e).toBeInstanceOf(FilterError);
          const fe = e as FilterError;
          expect(fe.offset).toBeLessThanOrEqual(s.length);
          expect(fe.offset + fe.length).toBeLessThanOrEqual(s.length + 1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
