/**
 * Display filters compiled once to a predicate: parse -> resolve names and type literals against the field
 * tables -> closures. Matching a frame then only runs closures over the field occurrences it asks for.
 *
 * Semantics (Wireshark 4.0, checked against tshark 4.0.17):
 * - A field or protocol alone tests that it occurs. Every comparison implies that its fields occur: a frame
 *   without the field never matches a comparison, whatever the operator (`dns.id != 1` needs a dns.id).
 * - `==` `eq` `any_eq`: some occurrence equals. `!=` `ne` `all_ne`: every occurrence differs (so
 *   `a != b` is `!(a == b)` among frames that have `a`). `===` `all_eq`: every occurrence equals. `!==`
 *   `any_ne` (and 4.0's deprecated `~=`): some occurrence differs. `<` `<=` `>` `>=`, `contains`, `matches`:
 *   some occurrence. A leading `any` / `all` overrides the quantifier (`all tcp.port > 1024`).
 *   Field against field: over every pair of occurrences.
 * - `a op b op c` is `a op b and b op c`; the left side of each comparison must be a field, slice,
 *   function or arithmetic on them, never a literal.
 * - `x in {v, lo..hi}`: some occurrence equals a value or lies in a range (inclusive); `not in` negates.
 * - Literals are typed by the field they meet: integers in decimal, 0x hex, 0 octal, 0b binary, 'c'
 *   characters, or value names (`ip.proto == UDP`, case-insensitive, quoted or not); booleans as
 *   True/TRUE/False/FALSE, any number (non-zero is true) or the field's true/false labels (`Set`);
 *   addresses as text with CIDR blocks (`ip.addr == 10.0.0.0/8`); MACs and byte strings as hex bytes
 *   (`00:1b:21`, `00-1b-21`, `001b.21..`, `001b21`); strings quoted ("..." with C escapes, r"..." raw) or,
 *   for string fields, unquoted; times as seconds (`frame.time_delta > 0.5`).
 * - An unquoted word that names a known field is that field (`ip.proto == udp` compares with the udp
 *   protocol, and fails as tshark does: not compatible types).
 * - Slices `f[i:j]` (start, length), `f[i-j]` (inclusive end), `f[i]`, `f[:j]`, `f[i:]`, negative offsets
 *   from the end, and lists `f[0:2,4]` take the bytes of strings, byte fields, addresses and protocols
 *   (a protocol's bytes are its header as the tree shows it). A slice beyond the bytes present has no value.
 * - `contains` searches strings, bytes and protocols (a protocol from its first byte to the end of its PDU);
 *   `matches` / `~` a regular expression, case-insensitive unless it starts with `(?-i)`.
 * - Functions len() count() lower() upper() string() max() min() abs(); arithmetic + - * / % and bitwise
 *   `&` (`tcp.flags & 0x02` alone tests for a non-zero result); `{}` groups arithmetic.
 * - Layers: `ip.src#2` is the occurrence in the second IPv4 layer, `tcp.port#[1-2]` in layers 1 to 2.
 * - Extension: `xor` / `^^` (Wireshark 4.2), binding tighter than `or` and looser than `and`.
 * - `${field}` (a field of the GUI's selected frame) is accepted and matches nothing, as in tshark.
 */
import { ipv6ToString, macToString, parseIPv4, parseIPv6 } from '../core/addr.js';
import type { FieldDef, FieldNode, FieldType } from '../fields/types.js';
import type { CmpOp, Expr, Operand, RangeItem } from './ast.js';
import { printOperand } from './ast.js';
import { FilterError } from './errors.js';
import type { FieldIndex, ValueClass } from './fields.js';
import { intRange, typeName, valueClass } from './fields.js';
import { parseFilter } from './parser.js';
import type { Val } from './values.js';
import {
  Cidr,
  bytesIndexOf,
  compare,
  latin1Text,
  nodeValue,
  parseHexBytes,
  sliceBytes,
  timeNs,
  utf8Bytes,
  utf8Text,
} from './values.js';

/**
 * What a filter reads from a frame: the occurrences of a field or protocol, in tree order (undefined or
 * empty when absent). Optional extras: the frame bytes (for protocol values and slices), the layer number of
 * an occurrence (for `#`), and where a protocol occurrence's PDU ends (for `contains` on protocols).
 */
export interface FieldAccessor {
  (abbrev: string): readonly FieldNode[] | undefined;
  readonly data?: Uint8Array;
  readonly layer?: (node: FieldNode) => number;
  readonly extent?: (node: FieldNode) => number;
}

export interface CompiledFilter {
  /** The filter as given. */
  readonly text: string;
  /** Its syntax tree (null for an empty filter, which matches every frame). */
  readonly ast: Expr | null;
  /** The field and protocol names it reads (what an accessor must be able to supply). */
  readonly fields: ReadonlySet<string>;
  /** The names it was compiled against. */
  readonly index: FieldIndex;
  /** Does a frame match? Never throws on any frame. */
  match(access: FieldAccessor): boolean;
}

interface Ctx {
  readonly get: FieldAccessor;
  readonly data: Uint8Array;
}

type Getter = (c: Ctx) => Val[];
type Pred = (c: Ctx) => boolean;

/** A typed operand: a field, slice, function or arithmetic, compiled. */
interface Typed {
  readonly kind: 'typed';
  readonly cls: ValueClass;
  readonly ftype: FieldType;
  readonly def?: FieldDef;
  /** Text for messages (`ip.src`). */
  readonly name: string;
  readonly pos: number;
  readonly len: number;
  readonly get: Getter;
  /** Plain fields and protocols: the occurrences (after `#` layer selection). */
  readonly nodes?: (c: Ctx) => readonly FieldNode[];
  /** Haystacks for contains/matches when they differ from the values (protocols: up to the PDU end). */
  readonly hay?: Getter;
  /** Non-zero test (for `a & b` used alone). */
  readonly arith?: boolean;
}

/** A literal whose type comes from the other side. */
interface Lit {
  readonly kind: 'lit';
  readonly op: Operand;
  /** The word or token as written (`-64` for a negated number). */
  readonly text: string;
  readonly pos: number;
  readonly len: number;
}

type Compiled = Typed | Lit;

const EMPTY: readonly FieldNode[] = [];
const NO_DATA = new Uint8Array(0);

/** Compile a filter against the known fields. Throws FilterError (tshark 4.0's message and place). */
export function compileFilter(text: string, fields: FieldIndex): CompiledFilter {
  const used = new Set<string>();
  if (text.trim() === '') return { text, ast: null, fields: used, index: fields, match: () => true };
  let ast: Expr;
  let pred: Pred;
  try {
    ast = parseFilter(text);
    pred = new Compiler(fields, used).expr(ast);
  } catch (e) {
    // a chain of tens of thousands of terms exhausts the stack: report it as a filter error
    if (e instanceof RangeError) throw new FilterError('Filter is too long.');
    throw e;
  }
  return {
    text,
    ast,
    fields: used,
    index: fields,
    match(access: FieldAccessor): boolean {
      try {
        return pred({ get: access, data: access.data ?? NO_DATA });
      } catch {
        // defensive: a bug in a converter must not stop a capture from being filtered
        return false;
      }
    },
  };
}

/** Classes that compare as byte sequences with each other. */
const BYTESLIKE = new Set<ValueClass>(['bytes', 'ether', 'proto']);
const NUMERIC = new Set<ValueClass>(['int', 'bool']);

function compatible(a: ValueClass, b: ValueClass): boolean {
  if (a === b) return a !== 'none';
  if (BYTESLIKE.has(a) && BYTESLIKE.has(b)) return true;
  if (NUMERIC.has(a) && NUMERIC.has(b)) return true;
  return false;
}

function commonClass(a: ValueClass, b: ValueClass): ValueClass {
  if (a === b) return a;
  if (BYTESLIKE.has(a) && BYTESLIKE.has(b)) return 'bytes';
  return 'int';
}

function inRanges(n: number, items: readonly RangeItem[]): boolean {
  for (const r of items) {
    if (r.length !== undefined ? n >= r.start && n < r.start + r.length : r.end !== undefined ? n >= r.start && n <= r.end : n >= r.start) return true;
  }
  return false;
}

/** Apply slice ranges to bytes; null when a range falls outside them. */
function applySlice(b: Uint8Array, ranges: readonly RangeItem[]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const r of ranges) {
    const start = r.start < 0 ? b.length + r.start : r.start;
    if (start < 0 || start >= b.length) return null;
    let end: number;
    if (r.length !== undefined) end = start + r.length;
    else if (r.end !== undefined) end = (r.end < 0 ? b.length + r.end : r.end) + 1;
    else end = b.length;
    if (end > b.length || end <= start) return null;
    const p = b.subarray(start, end);
    parts.push(p);
    total += p.length;
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function toBytes(cls: ValueClass, v: Val): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return utf8Bytes(v);
  if (cls === 'ipv4' && typeof v === 'number') return new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  return undefined;
}

function isInt(v: Val): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

function arith(op: string, a: number | bigint, b: number | bigint): number | bigint | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case '+':
        r = a + b;
        break;
      case '-':
        r = a - b;
        break;
      case '*':
        r = a * b;
        break;
      case '/':
        if (b === 0) return undefined;
        r = Math.trunc(a / b);
        break;
      case '%':
        if (b === 0) return undefined;
        r = a % b;
        break;
      default:
        if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 0 && b >= 0 && a <= 0xffffffff && b <= 0xffffffff) return (a & b) >>> 0;
        return arith(op, BigInt(a), BigInt(b));
    }
    if (Number.isSafeInteger(r) || !Number.isInteger(a) || !Number.isInteger(b)) return r;
    return arith(op, BigInt(a), BigInt(b));
  }
  if ((typeof a === 'number' && !Number.isInteger(a)) || (typeof b === 'number' && !Number.isInteger(b))) {
    return arith(op, Number(a), Number(b));
  }
  const x = BigInt(a);
  const y = BigInt(b);
  let r: bigint;
  switch (op) {
    case '+':
      r = x + y;
      break;
    case '-':
      r = x - y;
      break;
    case '*':
      r = x * y;
      break;
    case '/':
      if (y === 0n) return undefined;
      r = x / y;
      break;
    case '%':
      if (y === 0n) return undefined;
      r = x % y;
      break;
    default:
      r = x & y;
  }
  return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
}

function isNonZero(v: Val): boolean {
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof Uint8Array) return v.some((x) => x !== 0);
  if (typeof v === 'string') return v.length > 0;
  return true;
}

/** A PCRE pattern as a JS RegExp: case-insensitive by default; leading `(?flags)` / `(?-flags)` applied. */
export function compileRegex(pattern: string): RegExp {
  const flags = new Set(['i']);
  let p = pattern;
  for (;;) {
    const m = /^\(\?([imsx]*)(?:-([imsx]*))?\)/.exec(p);
    if (!m || (m[1] === '' && m[2] === undefined)) break;
    for (const f of m[1]!) flags.add(f);
    for (const f of m[2] ?? '') flags.delete(f);
    p = p.slice(m[0].length);
  }
  if (flags.has('x')) throw new FilterError('Regex compilation error: the (?x) option is not supported.');
  // PCRE anchors JS lacks
  p = p.replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])').replace(/\\Z/g, '(?=\\n?$(?![\\s\\S]))');
  try {
    return new RegExp(p, [...flags].join(''));
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    throw new FilterError(`Regex compilation error: ${msg}.`);
  }
}

type Quant = 'any' | 'all';
const DEFAULT_QUANT: Record<CmpOp, Quant> = {
  any_eq: 'any',
  all_ne: 'all',
  all_eq: 'all',
  any_ne: 'any',
  gt: 'any',
  ge: 'any',
  lt: 'any',
  le: 'any',
  contains: 'any',
  matches: 'any',
};

const FUNCTIONS = new Set(['len', 'count', 'lower', 'upper', 'string', 'max', 'min', 'abs']);

class Compiler {
  constructor(
    private readonly fields: FieldIndex,
    private readonly used: Set<string>,
  ) {}

  expr(e: Expr): Pred {
    switch (e.kind) {
      case 'logic': {
        const l = this.expr(e.left);
        const r = this.expr(e.right);
        if (e.op === 'and') return (c) => l(c) && r(c);
        if (e.op === 'or') return (c) => l(c) || r(c);
        return (c) => l(c) !== r(c);
      }
      case 'not': {
        const x = this.expr(e.expr);
        return (c) => !x(c);
      }
      case 'test':
        return this.test(e.value);
      case 'compare':
        return this.compare(e);
      case 'in':
        return this.membership(e);
    }
  }

  // ---- operands ----

  private litText(o: Operand): string {
    if (o.kind === 'neg') return '-' + this.litText(o.value);
    return o.kind === 'word' || o.kind === 'string' || o.kind === 'char' ? o.text : printOperand(o);
  }

  private operand(o: Operand): Compiled {
    switch (o.kind) {
      case 'word': {
        const def = this.fields.get(o.text);
        if (!def) {
          if (o.layers) throw new FilterError(`${o.text} is neither a field nor a protocol name.`, o.pos, o.text.length);
          return { kind: 'lit', op: o, text: o.text, pos: o.pos, len: o.len };
        }
        return this.field(def, o.text, o.pos, o.len, o.layers);
      }
      case 'string':
      case 'char':
        return { kind: 'lit', op: o, text: o.text, pos: o.pos, len: o.len };
      case 'neg': {
        const inner = this.operand(o.value);
        if (inner.kind === 'lit') {
          if (inner.op.kind !== 'word') throw new FilterError(`"-" was unexpected in this context.`, o.pos, 1);
          return { kind: 'lit', op: o, text: '-' + inner.text, pos: o.pos, len: o.len };
        }
        if (inner.cls !== 'int' && inner.cls !== 'float') {
          throw new FilterError(`${inner.name} (type=${typeName(inner.ftype)}) cannot participate in arithmetic.`, inner.pos, inner.len);
        }
        const g = inner.get;
        return { ...inner, name: printOperand(o), pos: o.pos, len: o.len, nodes: undefined, hay: undefined, def: undefined, get: (c) => g(c).map((v) => (typeof v === 'bigint' ? -v : -(v as number))) };
      }
      case 'slice':
        return this.slice(o);
      case 'call':
        return this.call(o);
      case 'arith':
        return this.arithmetic(o);
      case 'ref': {
        const def = this.fields.get(o.name);
        if (!def) throw new FilterError(`${o.name} is neither a field nor a protocol name.`, o.pos + 2, o.name.length);
        return { kind: 'typed', cls: valueClass(def.type), ftype: def.type, def, name: printOperand(o), pos: o.pos, len: o.len, get: () => [] };
      }
    }
  }

  private field(def: FieldDef, name: string, pos: number, len: number, layers?: readonly RangeItem[]): Typed {
    this.used.add(name);
    const cls = valueClass(def.type);
    const nodes = layers
      ? (c: Ctx): readonly FieldNode[] => {
          const all = c.get(name) ?? EMPTY;
          const layerOf = c.get.layer;
          return all.filter((n) => inRanges(layerOf ? layerOf(n) : 1, layers));
        }
      : (c: Ctx): readonly FieldNode[] => c.get(name) ?? EMPTY;
    const get: Getter = (c) => {
      const ns = nodes(c);
      const out: Val[] = [];
      for (const n of ns) {
        const v = nodeValue(cls, n, c.data);
        if (v !== undefined) out.push(v);
      }
      return out;
    };
    const hay: Getter | undefined =
      cls === 'proto'
        ? (c) =>
            nodes(c).map((n) => {
              const s = Math.min(Math.max(0, n.start), c.data.length);
              const end = c.get.extent ? c.get.extent(n) : n.start + n.len;
              return c.data.subarray(s, Math.min(Math.max(s, end), c.data.length));
            })
        : undefined;
    return hay ? { kind: 'typed', cls, ftype: def.type, def, name, pos, len, get, nodes, hay } : { kind: 'typed', cls, ftype: def.type, def, name, pos, len, get, nodes };
  }

  private neither(x: Lit): FilterError {
    return new FilterError(`${x.text} is neither a field nor a protocol name.`, x.pos, x.len);
  }

  private slice(o: Extract<Operand, { kind: 'slice' }>): Typed {
    const base = this.operand(o.value);
    if (base.kind === 'lit') throw this.neither(base);
    const sliceable: ValueClass[] = ['string', 'bytes', 'ether', 'ipv4', 'ipv6', 'proto'];
    if (!sliceable.includes(base.cls)) {
      throw new FilterError(`"${base.name}" is a ${typeName(base.ftype)} and cannot be sliced into a sequence of bytes.`, base.pos, base.len);
    }
    const ranges = o.ranges;
    const bnodes = base.nodes;
    const bcls = base.cls;
    const bget = base.get;
    const get: Getter = bnodes
      ? (c) => {
          const out: Val[] = [];
          for (const n of bnodes(c)) {
            const b = sliceBytes(bcls, n, c.data);
            const s = b && applySlice(b, ranges);
            if (s) out.push(s);
          }
          return out;
        }
      : (c) => {
          const out: Val[] = [];
          for (const v of bget(c)) {
            const b = toBytes(bcls, v);
            const s = b && applySlice(b, ranges);
            if (s) out.push(s);
          }
          return out;
        };
    return { kind: 'typed', cls: 'bytes', ftype: 'BYTES', name: printOperand(o), pos: o.pos, len: o.len, get };
  }

  private call(o: Extract<Operand, { kind: 'call' }>): Typed {
    const fname = o.name;
    if (!FUNCTIONS.has(fname)) throw new FilterError(`Function '${fname}' does not exist`, o.pos, fname.length);
    const base = { kind: 'typed' as const, name: printOperand(o), pos: o.pos, len: o.len };
    const one = (): Compiled => {
      if (o.args.length !== 1) throw new FilterError(`Function ${fname}() takes exactly 1 argument.`, o.pos, fname.length);
      return this.operand(o.args[0]!);
    };
    switch (fname) {
      case 'len':
      case 'count': {
        const a = one();
        if (a.kind === 'lit' || !a.nodes) {
          throw new FilterError(`Only fields can be used as parameter for ${fname}()`, o.args[0]!.pos, o.args[0]!.len);
        }
        const nodes = a.nodes;
        const cls = a.cls;
        if (fname === 'count') {
          return { ...base, cls: 'int', ftype: 'UINT32', get: (c) => { const n = nodes(c).length; return n ? [n] : []; } };
        }
        return {
          ...base,
          cls: 'int',
          ftype: 'UINT32',
          get: (c) =>
            nodes(c).map((n) => {
              if (cls === 'proto') return n.len;
              const v = n.value;
              if (typeof v === 'string') return cls === 'string' ? utf8Bytes(v).length : (sliceBytes(cls, n, c.data)?.length ?? n.len);
              if (v instanceof Uint8Array) return v.length;
              return n.len;
            }),
        };
      }
      case 'lower':
      case 'upper': {
        const a = one();
        if (a.kind === 'lit' || a.cls !== 'string') {
          throw new FilterError(`Only string type fields can be used as parameter for ${fname}()`, o.args[0]!.pos, o.args[0]!.len);
        }
        const g = a.get;
        const f = fname === 'lower' ? (s: string) => s.toLowerCase() : (s: string) => s.toUpperCase();
        return { ...base, cls: 'string', ftype: 'STRING', get: (c) => g(c).map((v) => f(v as string)) };
      }
      case 'string': {
        const a = one();
        if (a.kind === 'lit') throw new FilterError(`Only fields can be used as parameter for string()`, o.args[0]!.pos, o.args[0]!.len);
        if (a.cls === 'string' || a.cls === 'bytes' || a.cls === 'proto') {
          throw new FilterError(`String conversion for field "${a.name}" is not supported`, a.pos, a.len);
        }
        const g = a.get;
        const cls = a.cls;
        return { ...base, cls: 'string', ftype: 'STRING', get: (c) => g(c).map((v) => valueString(cls, v)) };
      }
      case 'abs': {
        const a = one();
        if (a.kind === 'lit' || (a.cls !== 'int' && a.cls !== 'float')) {
          throw new FilterError(`Only numeric types can be used as parameter for abs()`, o.args[0]!.pos, o.args[0]!.len);
        }
        const g = a.get;
        return { ...base, cls: a.cls, ftype: a.ftype, get: (c) => g(c).map((v) => (typeof v === 'bigint' ? (v < 0n ? -v : v) : Math.abs(v as number))) };
      }
      default: {
        // max, min
        if (o.args.length === 0) throw new FilterError(`Function ${fname}() requires at least 1 argument.`, o.pos, fname.length);
        const args = o.args.map((x) => this.operand(x));
        let first: Typed | undefined;
        for (const a of args) {
          if (a.kind === 'lit') throw new FilterError(`Argument '${a.text}' is not valid for ${fname}()`, a.pos, a.len);
          if (!first) first = a;
          else if (a.ftype !== first.ftype) {
            throw new FilterError(`Arguments to '${fname}' must have the same type (expected FT_${first.ftype}, got FT_${a.ftype})`, a.pos, a.len);
          }
        }
        const t = first!;
        const getters = (args as Typed[]).map((a) => a.get);
        const sign = fname === 'max' ? 1 : -1;
        const cls = t.cls;
        return {
          ...base,
          cls,
          ftype: t.ftype,
          get: (c) => {
            let best: Val | undefined;
            for (const g of getters) for (const v of g(c)) if (best === undefined || sign * compare(cls, v, best) > 0) best = v;
            return best === undefined ? [] : [best];
          },
        };
      }
    }
  }

  private arithmetic(o: Extract<Operand, { kind: 'arith' }>): Typed {
    const l = this.operand(o.left);
    const r = this.operand(o.right);
    if (l.kind === 'lit' && r.kind === 'lit') {
      throw new FilterError(`Constant arithmetic expression on the LHS is invalid.`, o.pos, o.len);
    }
    const t = (l.kind === 'typed' ? l : r) as Typed;
    const okCls = o.op === '&' ? ['int', 'bool', 'bytes', 'ether', 'proto'] : ['int', 'float'];
    if (!okCls.includes(t.cls)) {
      throw new FilterError(`${t.name} (type=${typeName(t.ftype)}) cannot participate in arithmetic.`, t.pos, t.len);
    }
    const bytesMode = o.op === '&' && BYTESLIKE.has(t.cls);
    const side = (x: Compiled): Getter => {
      if (x.kind === 'typed') {
        if (bytesMode ? !BYTESLIKE.has(x.cls) : !(x.cls === 'int' || x.cls === 'bool' || x.cls === 'float')) {
          throw new FilterError(`${t.name} and ${x.name} are not of compatible types.`, x.pos, x.len);
        }
        return x.get;
      }
      const k = this.literal(x, { cls: bytesMode ? 'bytes' : t.cls, ftype: bytesMode ? 'BYTES' : t.ftype, def: t.def, name: t.name });
      const one = [k];
      return () => one;
    };
    const lg = side(l);
    const rg = side(r);
    const op = o.op;
    const get: Getter = (c) => {
      const as = lg(c);
      if (as.length === 0) return [];
      const bs = rg(c);
      const out: Val[] = [];
      for (const a of as) {
        for (const b of bs) {
          if (bytesMode) {
            if (a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length) out.push(a.map((x, i) => x & b[i]!));
          } else if (isInt(a) && isInt(b)) {
            const v = arith(op, a, b);
            if (v !== undefined) out.push(v);
          }
        }
      }
      return out;
    };
    return { kind: 'typed', cls: bytesMode ? 'bytes' : t.cls === 'bool' ? 'int' : t.cls, ftype: bytesMode ? 'BYTES' : t.ftype, name: printOperand(o), pos: o.pos, len: o.len, get, arith: true };
  }

  // ---- literals ----

  private literal(x: Lit, target: { cls: ValueClass; ftype: FieldType; def?: FieldDef; name: string }, forContains = false): Val {
    const o = x.op;
    const text = x.text;
    const err = (msg: string) => new FilterError(msg, x.pos, x.len);
    const quoted = o.kind === 'string';
    const content = quoted ? utf8Text(o.bytes) : text;
    const strErr = () => err(`${typeName(target.ftype)} cannot be converted from a string ("${o.kind === 'string' ? o.text.slice(o.raw ? 2 : 1, -1) : text}").`);
    if (o.kind === 'char') {
      switch (target.cls) {
        case 'int':
        case 'bool':
        case 'float':
          return o.value;
        case 'string':
          return String.fromCodePoint(o.value);
        case 'bytes':
        case 'proto':
          return new Uint8Array([o.value & 0xff]);
        default:
          throw err(`${typeName(target.ftype)} cannot be converted from a character constant (${text}).`);
      }
    }
    switch (target.cls) {
      case 'int': {
        if (!quoted) {
          const v = parseIntLiteral(text);
          if (v !== null) return checkRange(v, text, target.ftype, err);
        }
        const strings = target.def?.strings;
        if (strings) {
          const want = content.toLowerCase();
          for (const [k, name] of Object.entries(strings)) if (name.toLowerCase() === want) return Number(k);
          if (quoted || !/^-?\d/.test(text)) throw err(`"${content}" cannot be found among the possible values for ${target.name}.`);
        }
        if (quoted) throw strErr();
        throw err(`"${text}" is not a valid number.`);
      }
      case 'bool': {
        if (content === 'True' || content === 'TRUE') return 1;
        if (content === 'False' || content === 'FALSE') return 0;
        if (!quoted) {
          const v = parseIntLiteral(text);
          if (v !== null) return v ? 1 : 0;
        }
        const tfs = target.def?.tfs;
        if (tfs) {
          if (content.toLowerCase() === tfs[0].toLowerCase()) return 1;
          if (content.toLowerCase() === tfs[1].toLowerCase()) return 0;
        }
        throw err(`"${content}" cannot be found among the possible values for ${target.name}.`);
      }
      case 'float': {
        if (quoted) throw strErr();
        if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw err(`"${text}" is not a valid number.`);
        return Number(text);
      }
      case 'time': {
        if (quoted) {
          if (target.ftype === 'ABSOLUTE_TIME') {
            const ms = Date.parse(content);
            if (!Number.isNaN(ms)) {
              const frac = /\.(\d{1,9})/.exec(content.replace(/^[^T ]*[T ]/, ''));
              const sub = frac ? BigInt(frac[1]!.padEnd(9, '0')) - BigInt(frac[1]!.slice(0, 3).padEnd(3, '0')) * 1_000_000n : 0n;
              return BigInt(ms) * 1_000_000n + sub;
            }
            throw err(`"${content}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`);
          }
          throw strErr();
        }
        if (!/^-?\d+(\.\d+)?$/.test(text)) throw err(`"${text}" is not a valid time.`);
        return timeNs(text)!;
      }
      case 'string':
        return content;
      case 'bytes':
      case 'proto': {
        if (quoted) return o.bytes;
        if (/^0[xX][0-9a-fA-F]{1,2}$/.test(text)) return new Uint8Array([parseInt(text.slice(2), 16)]);
        const b = parseHexBytes(text);
        if (!b) throw err(`"${text}" is not a valid byte string.`);
        return b;
      }
      case 'ether': {
        if (quoted) throw strErr();
        const b = parseHexBytes(text);
        if (forContains) {
          if (!b) throw err(`"${text}" is not a valid byte string.`);
          return b;
        }
        const want = target.ftype === 'EUI64' ? 8 : 6;
        const what = target.ftype === 'EUI64' ? 'EUI64 address' : 'Ethernet address';
        if (!b) throw err(`"${text}" is not a valid ${what}.`);
        if (b.length < want) throw err(`"${text}" contains too few bytes to be a valid ${what}.`);
        if (b.length > want) throw err(`"${text}" contains too many bytes to be a valid ${what}.`);
        return b;
      }
      case 'ipv4': {
        if (quoted) throw strErr();
        const m = /^([^/]*)(?:\/(\d+))?$/.exec(text);
        const addr = m ? parseIPv4(m[1]!) : null;
        if (!m || !addr) throw err(`"${m && m[2] !== undefined ? m[1] : text}" is not a valid hostname or IPv4 address.`);
        const n = ((addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!) >>> 0;
        if (m[2] === undefined) return n;
        const prefix = Number(m[2]);
        if (prefix > 32) throw err(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${prefix}`);
        return new Cidr(n, prefix);
      }
      case 'ipv6': {
        if (quoted) throw strErr();
        const m = /^([^/]*)(?:\/(\d+))?$/.exec(text);
        const addr = m ? parseIPv6(m[1]!) : null;
        if (!m || !addr) throw err(`"${m && m[2] !== undefined ? m[1] : text}" is not a valid hostname or IPv6 address.`);
        if (m[2] === undefined) return addr;
        const prefix = Number(m[2]);
        if (prefix > 128) throw err(`Prefix in a IPv6 address should be <= 128, not ${prefix}`);
        return new Cidr(addr, prefix);
      }
      case 'none':
        throw err(`${target.name} (type=${typeName(target.ftype)}) cannot be compared with a value.`);
    }
  }

  // ---- tests ----

  private test(o: Operand): Pred {
    if (o.kind === 'call') {
      if (!FUNCTIONS.has(o.name)) throw new FilterError(`Function '${o.name}' does not exist`, o.pos, o.name.length);
      throw new FilterError('You cannot test whether a function is present.', o.pos, o.name.length);
    }
    const x = this.operand(o);
    if (x.kind === 'lit') throw this.neither(x);
    if (x.nodes) {
      const nodes = x.nodes;
      return (c) => nodes(c).length > 0;
    }
    const g = x.get;
    if (x.arith) return (c) => g(c).some(isNonZero);
    return (c) => g(c).length > 0;
  }

  private compare(e: Extract<Expr, { kind: 'compare' }>): Pred {
    const ops = e.ops;
    const compiled = e.operands.map((o) => this.operand(o));
    const preds: Pred[] = [];
    for (let i = 0; i < ops.length; i++) {
      const link = ops[i]!;
      const l = compiled[i]!;
      const r = compiled[i + 1]!;
      if (l.kind === 'lit') {
        throw new FilterError(`Left side of "${link.text}" expression must be a field or function, not ${l.text}.`, l.pos, l.len);
      }
      preds.push(this.link(link.op, e.quant ?? DEFAULT_QUANT[link.op], l, r));
    }
    if (preds.length === 1) return preds[0]!;
    return (c) => preds.every((p) => p(c));
  }

  private link(op: CmpOp, quant: Quant, l: Typed, r: Compiled): Pred {
    if (op === 'contains' || op === 'matches') {
      const ok: ValueClass[] = op === 'contains' ? ['string', 'bytes', 'ether', 'proto'] : ['string', 'bytes', 'ether', 'proto'];
      if (!ok.includes(l.cls)) {
        throw new FilterError(`${l.name} (type=${typeName(l.ftype)}) cannot participate in ${op} comparison.`, l.pos, l.len);
      }
    } else if (l.cls === 'none') {
      throw new FilterError(`${l.name} (type=${typeName(l.ftype)}) cannot participate in '${op}' comparison.`, l.pos, l.len);
    }
    const hayGet = l.hay ?? l.get;
    if (op === 'matches') {
      if (r.kind !== 'lit' || r.op.kind !== 'string') {
        throw new FilterError('Matches requires a double quoted string on the right side.', r.pos, r.len);
      }
      // strings are matched as text (the pattern's UTF-8 decoded), bytes byte for byte (both as Latin-1)
      const re = compileRegex(utf8Text(r.op.bytes));
      const reBytes = compileRegex(latin1Text(r.op.bytes));
      return this.quantified(quant, hayGet, (a) => (a instanceof Uint8Array ? reBytes.test(latin1Text(a)) : re.test(typeof a === 'string' ? a : String(a))));
    }
    let cls = l.cls;
    let rget: Getter;
    let constant: Val | undefined;
    if (r.kind === 'lit') {
      constant = this.literal(r, { cls, ftype: l.ftype, def: l.def, name: l.name }, op === 'contains');
    } else {
      if (!compatible(l.cls, r.cls)) throw new FilterError(`${l.name} and ${r.name} are not of compatible types.`, r.pos, r.len);
      cls = commonClass(l.cls, r.cls);
      rget = r.get;
    }
    const ccls = cls;
    let rel: (a: Val, b: Val) => boolean;
    switch (op) {
      case 'any_eq':
      case 'all_eq':
        rel = (a, b) => compare(ccls, a, b) === 0;
        break;
      case 'any_ne':
      case 'all_ne':
        rel = (a, b) => compare(ccls, a, b) !== 0;
        break;
      case 'gt':
        rel = (a, b) => compare(ccls, a, b) > 0;
        break;
      case 'ge':
        rel = (a, b) => compare(ccls, a, b) >= 0;
        break;
      case 'lt':
        rel = (a, b) => compare(ccls, a, b) < 0;
        break;
      case 'le':
        rel = (a, b) => compare(ccls, a, b) <= 0;
        break;
      default:
        rel = (a, b) => {
          if (typeof a === 'string') return a.includes(typeof b === 'string' ? b : b instanceof Uint8Array ? utf8Text(b) : String(b));
          if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesIndexOf(a, b) >= 0;
          if (a instanceof Uint8Array && typeof b === 'string') return bytesIndexOf(a, utf8Bytes(b)) >= 0;
          return false;
        };
    }
    const lget = op === 'contains' ? hayGet : l.get;
    if (constant !== undefined) {
      const k = constant;
      return this.quantified(quant, lget, (a) => rel(a, k));
    }
    const rg = rget!;
    if (quant === 'any') {
      return (c) => {
        const as = lget(c);
        if (as.length === 0) return false;
        const bs = rg(c);
        for (const a of as) for (const b of bs) if (rel(a, b)) return true;
        return false;
      };
    }
    return (c) => {
      const as = lget(c);
      if (as.length === 0) return false;
      const bs = rg(c);
      if (bs.length === 0) return false;
      for (const a of as) for (const b of bs) if (!rel(a, b)) return false;
      return true;
    };
  }

  /** any: some value satisfies `one`; all: there are values and every one does. */
  private quantified(quant: Quant, get: Getter, one: (a: Val) => boolean): Pred {
    if (quant === 'any') {
      return (c) => {
        for (const a of get(c)) if (one(a)) return true;
        return false;
      };
    }
    return (c) => {
      const as = get(c);
      if (as.length === 0) return false;
      for (const a of as) if (!one(a)) return false;
      return true;
    };
  }

  private membership(e: Extract<Expr, { kind: 'in' }>): Pred {
    const v = this.operand(e.value);
    if (v.kind === 'lit') {
      throw new FilterError(`Left side of "in" expression must be a field or function, not ${v.text}.`, v.pos, v.len);
    }
    if (v.cls === 'none') throw new FilterError(`${v.name} (type=${typeName(v.ftype)}) cannot participate in 'in' comparison.`, v.pos, v.len);
    const side = (o: Operand): { cls: ValueClass; get: Getter } => {
      const x = this.operand(o);
      if (x.kind === 'lit') {
        const k = [this.literal(x, { cls: v.cls, ftype: v.ftype, def: v.def, name: v.name })];
        return { cls: v.cls, get: () => k };
      }
      if (!compatible(v.cls, x.cls)) throw new FilterError(`${v.name} and ${x.name} are not of compatible types.`, x.pos, x.len);
      return { cls: commonClass(v.cls, x.cls), get: x.get };
    };
    const items = e.set.map((it) => ({ lo: side(it.lo), hi: it.hi ? side(it.hi) : undefined }));
    const vget = v.get;
    const pred: Pred = (c) => {
      const as = vget(c);
      if (as.length === 0) return false;
      for (const it of items) {
        const los = it.lo.get(c);
        if (!it.hi) {
          for (const a of as) for (const b of los) if (compare(it.lo.cls, a, b) === 0) return true;
          continue;
        }
        const his = it.hi.get(c);
        for (const a of as) for (const lo of los) for (const hi of his) if (compare(it.lo.cls, a, lo) >= 0 && compare(it.hi.cls, a, hi) <= 0) return true;
      }
      return false;
    };
    return e.negated ? (c) => !pred(c) : pred;
  }
}

function parseIntLiteral(text: string): bigint | null {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const body = m[2]!;
  let v: bigint;
  if (/^0[xXbB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body[0] === '0') v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  return m[1] ? -v : v;
}

function checkRange(v: bigint, text: string, ftype: FieldType, err: (m: string) => FilterError): number | bigint {
  const [min, max] = intRange(ftype);
  if (v > max) throw err(`"${text}" too big for this field, maximum ${max}.`);
  if (v < min) {
    // tshark 4.0 reads a negative literal for an unsigned field as a 64-bit unsigned number
    if (min === 0n) v = (1n << 64n) + v;
    else throw err(`"${text}" too small for this field, minimum ${min}.`);
  }
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** string(): a value's text (integers in decimal, addresses in their usual form). */
function valueString(cls: ValueClass, v: Val): string {
  switch (cls) {
    case 'ipv4': {
      const n = v as number;
      return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
    }
    case 'ipv6':
      return ipv6ToString(v as Uint8Array);
    case 'ether':
      return macToString(v as Uint8Array, 0, (v as Uint8Array).length);
    case 'time': {
      const ns = v as bigint;
      const neg = ns < 0n;
      const a = neg ? -ns : ns;
      return `${neg ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
    }
    default:
      return String(v);
  }
}
