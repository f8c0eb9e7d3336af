/**
 * The display-filter syntax tree, as the parser builds it (names not yet resolved, literals not yet typed),
 * and its printer: `parse(print(ast))` gives back the same tree (positions aside).
 */

/** Comparison operators, by Wireshark 4.0's meaning (see docs in compile.ts). */
export type CmpOp = 'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'matches';

/** Every spelling of each comparison operator that 4.0 accepts (`~=` is 4.0's deprecated `!==`). */
export const CMP_SPELLINGS: Readonly<Record<string, CmpOp>> = {
  '==': 'any_eq',
  eq: 'any_eq',
  any_eq: 'any_eq',
  '!=': 'all_ne',
  ne: 'all_ne',
  all_ne: 'all_ne',
  '===': 'all_eq',
  all_eq: 'all_eq',
  '!==': 'any_ne',
  any_ne: 'any_ne',
  '~=': 'any_ne',
  '>': 'gt',
  gt: 'gt',
  '>=': 'ge',
  ge: 'ge',
  '<': 'lt',
  lt: 'lt',
  '<=': 'le',
  le: 'le',
  contains: 'contains',
  matches: 'matches',
  '~': 'matches',
};

export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&';

/** Where a node is in the filter text. */
export interface Span {
  readonly pos: number;
  readonly len: number;
}

/** One item of a slice or layer range, with its normalised bounds. */
export interface RangeItem extends Span {
  /** As written: `0:3`, `1-3`, `-1`, `:2`, `4:`. */
  readonly text: string;
  readonly start: number;
  /** `i:j` and `:j`, and `i` (length 1). */
  readonly length?: number;
  /** `i-j`: the last offset, inclusive. */
  readonly end?: number;
}

export type Operand =
  /** An unquoted word: a field or protocol name if it is one, else a literal typed by the other side. */
  | (Span & { readonly kind: 'word'; readonly text: string; readonly layers?: readonly RangeItem[]; readonly layersText?: string })
  | (Span & { readonly kind: 'string'; readonly text: string; readonly bytes: Uint8Array; readonly raw: boolean })
  | (Span & { readonly kind: 'char'; readonly text: string; readonly value: number })
  | (Span & { readonly kind: 'slice'; readonly value: Operand; readonly ranges: readonly RangeItem[]; readonly rangeText: string })
  | (Span & { readonly kind: 'call'; readonly name: string; readonly args: readonly Operand[] })
  | (Span & { readonly kind: 'arith'; readonly op: ArithOp; readonly opText: string; readonly left: Operand; readonly right: Operand })
  | (Span & { readonly kind: 'neg'; readonly value: Operand })
  /** `${ip.src}`: a field of the selected frame (there is none in tshark: matches nothing). */
  | (Span & { readonly kind: 'ref'; readonly name: string });

export interface CmpLink extends Span {
  readonly op: CmpOp;
  /** As written: `==`, `eq`, `any_eq`. */
  readonly text: string;
}

export interface SetItem {
  readonly lo: Operand;
  readonly hi?: Operand;
}

export type Expr =
  | (Span & { readonly kind: 'logic'; readonly op: 'and' | 'or' | 'xor'; readonly opText: string; readonly left: Expr; readonly right: Expr })
  | (Span & { readonly kind: 'not'; readonly opText: string; readonly expr: Expr })
  /** `a op b [op c ...]`: a chain means `a op b and b op c`. */
  | (Span & {
      readonly kind: 'compare';
      readonly quant?: 'any' | 'all';
      readonly operands: readonly Operand[];
      readonly ops: readonly CmpLink[];
    })
  | (Span & { readonly kind: 'in'; readonly negated: boolean; readonly value: Operand; readonly set: readonly SetItem[] })
  /** A field, protocol, slice or function alone: does it exist (or, for `a & b`, is it non-zero). */
  | (Span & { readonly kind: 'test'; readonly value: Operand });

/** Canonical text of an operand (nested arithmetic grouped with `{}`, as 4.0 requires). */
export function printOperand(o: Operand): string {
  switch (o.kind) {
    case 'word':
      return o.layersText !== undefined ? `${o.text}#${o.layersText}` : o.text;
    case 'string':
    case 'char':
      return o.text;
    case 'slice':
      return `${printPostfixable(o.value)}[${o.rangeText}]`;
    case 'call':
      return `${o.name}(${o.args.map(printOperand).join(', ')})`;
    case 'arith':
      return `${printArithChild(o.left)} ${o.opText} ${printArithChild(o.right)}`;
    case 'neg':
      return `-${printArithChild(o.value)}`;
    case 'ref':
      return `\${${o.name}}`;
  }
}

function printArithChild(o: Operand): string {
  return o.kind === 'arith' || o.kind === 'neg' ? `{${printOperand(o)}}` : printOperand(o);
}

function printPostfixable(o: Operand): string {
  return o.kind === 'arith' || o.kind === 'neg' ? `{${printOperand(o)}}` : printOperand(o);
}

/** Canonical text of a filter: every compound sub-expression in parentheses. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'logic':
      return `${printSub(e.left)} ${e.opText} ${printSub(e.right)}`;
    case 'not':
      return e.opText === '!' ? `!${printSub(e.expr)}` : `not ${printSub(e.expr)}`;
    case 'compare': {
      let s = e.quant ? `${e.quant} ` : '';
      s += printOperand(e.operands[0]!);
      e.ops.forEach((op, i) => {
        s += ` ${op.text} ${printOperand(e.operands[i + 1]!)}`;
      });
      return s;
    }
    case 'in': {
      const items = e.set.map((it) => (it.hi ? `${printOperand(it.lo)}..${printOperand(it.hi)}` : printOperand(it.lo)));
      return `${printOperand(e.value)} ${e.negated ? 'not in' : 'in'} {${items.join(', ')}}`;
    }
    case 'test':
      return printOperand(e.value);
  }
}

function printSub(e: Expr): string {
  return e.kind === 'test' ? printExpr(e) : `(${printExpr(e)})`;
}

/** The tree without positions (for comparing trees). */
export function stripSpans(x: unknown): unknown {
  if (x instanceof Uint8Array) return Array.from(x);
  if (Array.isArray(x)) return x.map(stripSpans);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === 'pos' || k === 'len') continue;
      out[k] = stripSpans(v);
    }
    return out;
  }
  return x;
}
