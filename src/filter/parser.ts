/**
 * Display-filter parser: tokens to the syntax tree of ast.ts. Precedence, lowest first (Wireshark 4.0's, plus
 * `xor` from 4.2): `or ||`, `xor ^^`, `and &&`, `not !`, comparisons and `in`, `& bitwise_and`, `+ -`, `* / %`,
 * unary minus, slices `[...]`. Parentheses group tests; braces group arithmetic (`{a + 1} * 2`).
 */
import type { CmpLink, Expr, Operand, RangeItem, SetItem } from './ast.js';
import { CMP_SPELLINGS } from './ast.js';
import { FilterError } from './errors.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';

const KEYWORDS = new Set([
  'and', 'or', 'xor', 'not', 'in', 'any', 'all', 'bitwise_and',
  ...Object.keys(CMP_SPELLINGS).filter((k) => /^[a-z_]+$/.test(k)),
]);

/** Parse a filter into its syntax tree. Throws FilterError (tshark's wording, with the place) on a syntax error. */
export function parseFilter(text: string): Expr {
  return new Parser(text).parseAll();
}

/** Parse a slice or layer range list (`0:3`, `1-3,5`, `-1`, `:2`, `4:`) whose text starts at `base`. */
export function parseRanges(text: string, base: number): RangeItem[] {
  if (text.trim() === '') throw new FilterError('"]" was unexpected in this context.', base + text.length, 1);
  const out: RangeItem[] = [];
  let off = 0;
  for (const raw of text.split(',')) {
    const lead = raw.length - raw.trimStart().length;
    const item = raw.trim();
    const pos = base + off + lead;
    off += raw.length + 1;
    out.push(parseRangeItem(item, pos));
  }
  return out;
}

const INT = /^[+-]?\d+$/;

/** Deepest nesting a filter may have. */
export const MAX_DEPTH = 256;

function rangeNumber(s: string, pos: number): number {
  if (!INT.test(s)) throw new FilterError(`"${s}" is not a valid number.`, pos, Math.max(1, s.length));
  return Number(s);
}

function parseRangeItem(item: string, pos: number): RangeItem {
  const len = Math.max(1, item.length);
  let m: RegExpExecArray | null;
  if ((m = /^([^:]*):([^:]*)$/.exec(item))) {
    const a = m[1]!.trim();
    const b = m[2]!.trim();
    const start = a === '' ? 0 : rangeNumber(a, pos);
    if (b === '') return { text: item, pos, len, start };
    const length = rangeNumber(b, pos + item.indexOf(':') + 1);
    if (length <= 0) throw new FilterError(`Range ${item} isn't valid because length ${length} isn't positive`, pos, len);
    return { text: item, pos, len, start, length };
  }
  if (item.includes(':')) throw new FilterError(`"${item}" is not a valid range.`, pos, len);
  if ((m = /^(-?[^-]+)-(-?[^-]+)$/.exec(item))) {
    const start = rangeNumber(m[1]!.trim(), pos);
    const end = rangeNumber(m[2]!.trim(), pos);
    if (start < 0 !== end < 0) {
      throw new FilterError(`Range ${item} isn't valid because ${start} and ${end} have different signs`, pos, len);
    }
    if (start >= end) throw new FilterError(`Range ${item} isn't valid because ${start} is greater or equal than ${end}`, pos, len);
    return { text: item, pos, len, start, end };
  }
  return { text: item, pos, len, start: rangeNumber(item, pos), length: 1 };
}

class Parser {
  private readonly toks: Token[];
  private i = 0;
  /** Nesting depth (parentheses, braces, not, unary minus, calls), bounded so that no input overflows the stack. */
  private depth = 0;

  private nest(t: Token): void {
    if (++this.depth > MAX_DEPTH) throw new FilterError('Filter is nested too deeply.', t.pos, Math.max(1, t.len));
  }

  constructor(private readonly src: string) {
    this.toks = tokenize(src);
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === 'op' && ops.includes(t.text);
  }
  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text);
  }
  private unexpected(t: Token): FilterError {
    if (t.kind === 'eof') return new FilterError('Unexpected end of filter expression.');
    if (t.kind === 'range') return new FilterError(`"[" was unexpected in this context.`, t.pos - 1, 1);
    return new FilterError(`"${t.text}" was unexpected in this context.`, t.pos, t.len);
  }
  private expectOp(op: string): Token {
    const t = this.peek();
    if (!this.isOp(t, op)) throw this.unexpected(t);
    return this.next();
  }

  parseAll(): Expr {
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpected(t);
    return e;
  }

  private logic(op: 'and' | 'or' | 'xor', words: string[], sub: () => Expr): Expr {
    let left = sub();
    for (;;) {
      const t = this.peek();
      if (!this.isWord(t, ...words) && !this.isOp(t, ...words)) return left;
      this.next();
      const right = sub();
      left = { kind: 'logic', op, opText: t.text, left, right, pos: left.pos, len: right.pos + right.len - left.pos };
    }
  }

  private parseOr(): Expr {
    return this.logic('or', ['or', '||'], () => this.parseXor());
  }
  private parseXor(): Expr {
    return this.logic('xor', ['xor', '^^'], () => this.parseAnd());
  }
  private parseAnd(): Expr {
    return this.logic('and', ['and', '&&'], () => this.parseNot());
  }

  private parseNot(): Expr {
    const t = this.peek();
    if (this.isWord(t, 'not') || this.isOp(t, '!')) {
      this.next();
      this.nest(t);
      const expr = this.parseNot();
      this.depth--;
      return { kind: 'not', opText: t.text, expr, pos: t.pos, len: expr.pos + expr.len - t.pos };
    }
    return this.parseRelation();
  }

  private parseRelation(): Expr {
    const t = this.peek();
    if (this.isOp(t, '(')) {
      this.next();
      this.nest(t);
      const e = this.parseOr();
      this.expectOp(')');
      this.depth--;
      return e;
    }
    let quant: 'any' | 'all' | undefined;
    if (this.isWord(t, 'any', 'all') && this.peek(1).kind !== 'eof' && !this.isCmpOp(this.peek(1))) {
      quant = t.text as 'any' | 'all';
      this.next();
    }
    const first = this.parseArith();
    const operands: Operand[] = [first];
    const ops: CmpLink[] = [];
    for (;;) {
      const o = this.peek();
      if (this.isWord(o, 'in') || (this.isWord(o, 'not') && this.isWord(this.peek(1), 'in'))) {
        if (ops.length > 0 || quant) throw this.unexpected(o);
        const negated = o.text === 'not';
        this.next();
        if (negated) this.next();
        const set = this.parseSet();
        const endTok = this.toks[this.i - 1]!;
        return { kind: 'in', negated, value: first, set, pos: first.pos, len: endTok.pos + endTok.len - first.pos };
      }
      if (!this.isCmpOp(o)) break;
      this.next();
      ops.push({ op: CMP_SPELLINGS[o.text]!, text: o.text, pos: o.pos, len: o.len });
      operands.push(this.parseArith());
    }
    const last = operands[operands.length - 1]!;
    const pos = quant ? t.pos : first.pos;
    const len = last.pos + last.len - pos;
    if (ops.length === 0) {
      if (quant) throw this.unexpected(this.peek());
      return { kind: 'test', value: first, pos, len };
    }
    return quant ? { kind: 'compare', quant, operands, ops, pos, len } : { kind: 'compare', operands, ops, pos, len };
  }

  private isCmpOp(t: Token): boolean {
    return (t.kind === 'op' || t.kind === 'word') && Object.prototype.hasOwnProperty.call(CMP_SPELLINGS, t.text);
  }

  private parseSet(): SetItem[] {
    this.expectOp('{');
    const items: SetItem[] = [];
    for (;;) {
      const lo = this.parseArith();
      if (this.isOp(this.peek(), '..')) {
        this.next();
        items.push({ lo, hi: this.parseArith() });
      } else items.push({ lo });
      const t = this.next();
      if (this.isOp(t, '}')) return items;
      if (!this.isOp(t, ',')) throw this.unexpected(t);
    }
  }

  private parseArith(): Operand {
    return this.binary(['&', 'bitwise_and'], () => this.parseAdd());
  }
  private parseAdd(): Operand {
    return this.binary(['+', '-'], () => this.parseMul());
  }
  private parseMul(): Operand {
    return this.binary(['*', '/', '%'], () => this.parseUnary());
  }

  private binary(ops: string[], sub: () => Operand): Operand {
    let left = sub();
    for (;;) {
      const t = this.peek();
      if (!((t.kind === 'op' || t.kind === 'word') && ops.includes(t.text))) return left;
      this.next();
      const right = sub();
      const op = (t.text === 'bitwise_and' ? '&' : t.text) as '+' | '-' | '*' | '/' | '%' | '&';
      left = { kind: 'arith', op, opText: t.text, left, right, pos: left.pos, len: right.pos + right.len - left.pos };
    }
  }

  private parseUnary(): Operand {
    const t = this.peek();
    if (this.isOp(t, '-')) {
      this.next();
      this.nest(t);
      const value = this.parseUnary();
      this.depth--;
      return { kind: 'neg', value, pos: t.pos, len: value.pos + value.len - t.pos };
    }
    let v = this.parseAtom();
    while (this.peek().kind === 'range') {
      const r = this.next();
      const ranges = parseRanges(r.text, r.pos);
      v = { kind: 'slice', value: v, ranges, rangeText: r.text, pos: v.pos, len: r.pos + r.len + 1 - v.pos };
    }
    return v;
  }

  private parseAtom(): Operand {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', text: t.text, bytes: t.bytes!, raw: t.raw ?? false, pos: t.pos, len: t.len };
      case 'char':
        return { kind: 'char', text: t.text, value: t.value!, pos: t.pos, len: t.len };
      case 'word': {
        if (KEYWORDS.has(t.text)) throw this.unexpected(t);
        const nx = this.peek();
        if (this.isOp(nx, '(') && !nx.spaced) return this.parseCall(t);
        if (this.isOp(nx, '#')) return this.parseLayer(t);
        return { kind: 'word', text: t.text, pos: t.pos, len: t.len };
      }
      case 'op':
        if (t.text === '{') {
          this.nest(t);
          const inner = this.parseArith();
          this.expectOp('}');
          this.depth--;
          return inner;
        }
        if (t.text === '$') {
          this.expectOp('{');
          const name = this.next();
          if (name.kind !== 'word') throw this.unexpected(name);
          const close = this.expectOp('}');
          return { kind: 'ref', name: name.text, pos: t.pos, len: close.pos + 1 - t.pos };
        }
        throw this.unexpected(t);
      default:
        throw this.unexpected(t);
    }
  }

  private parseCall(name: Token): Operand {
    this.next(); // (
    this.nest(name);
    const args: Operand[] = [];
    if (!this.isOp(this.peek(), ')')) {
      for (;;) {
        args.push(this.parseArith());
        const t = this.next();
        if (this.isOp(t, ')')) break;
        if (!this.isOp(t, ',')) throw this.unexpected(t);
      }
    } else this.next();
    this.depth--;
    const close = this.toks[this.i - 1]!;
    return { kind: 'call', name: name.text, args, pos: name.pos, len: close.pos + 1 - name.pos };
  }

  /** `ip.addr#2`, `tcp.port#[2-4]`. */
  private parseLayer(name: Token): Operand {
    const hash = this.next();
    const t = this.peek();
    if (t.kind === 'range' && !t.spaced) {
      this.next();
      const layers = parseRanges(t.text, t.pos);
      return { kind: 'word', text: name.text, layers, layersText: `[${t.text}]`, pos: name.pos, len: t.pos + t.len + 1 - name.pos };
    }
    if (t.kind === 'word' && !t.spaced && /^\d+$/.test(t.text)) {
      this.next();
      const n = Number(t.text);
      const layers: RangeItem[] = [{ text: t.text, pos: t.pos, len: t.len, start: n, length: 1 }];
      return { kind: 'word', text: name.text, layers, layersText: t.text, pos: name.pos, len: t.pos + t.len - name.pos };
    }
    const c = this.src[hash.pos + 1];
    if (c === undefined) throw new FilterError('Unexpected end of filter expression.');
    throw new FilterError(`Expected digit or "[", not "${c}"`, hash.pos + 1, 1);
  }
}
