/**
 * Compiles the fixed-position part of a field table into reader, writer and tree-builder closures, once.
 * Variable parts (options, names, records) are hand-written and emit nodes through the same FieldNode shape.
 */
import { ipv4ToString, ipv6ToString, macToString, parseIPv4, parseIPv6, parseMAC } from '../core/addr.js';
import { EncodeError } from '../core/problem.js';
import type { FieldDef, FieldNode, FieldTable, FieldValue } from './types.js';
import { maskShift } from './types.js';

export function readUint(b: Uint8Array, off: number, width: number): number {
  switch (width) {
    case 1:
      return b[off]!;
    case 2:
      return (b[off]! << 8) | b[off + 1]!;
    case 3:
      return (b[off]! << 16) | (b[off + 1]! << 8) | b[off + 2]!;
    case 4:
      return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
    default: {
      let v = 0;
      for (let i = 0; i < width; i++) v = v * 256 + b[off + i]!;
      return v;
    }
  }
}

export function writeUint(b: Uint8Array, off: number, width: number, v: number): void {
  for (let i = width - 1; i >= 0; i--) {
    b[off + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

interface CompiledField {
  key: string;
  def: FieldDef;
  offset: number;
  width: number;
  mask: number;
  shift: number;
  scale: number;
  /** Keys of bit fields nested under this container. */
  children: CompiledField[];
  isChild: boolean;
}

export interface CompiledHeader<K extends string> {
  /** Bytes the fixed part needs. */
  readonly size: number;
  /** Fields in table order with their resolved positions. */
  readonly fixed: readonly { key: K; def: FieldDef; offset: number; width: number }[];
  /** Read every fixed field whose bytes lie before `end` into `out` (values by key). Returns how many bytes were available. */
  read(b: Uint8Array, off: number, end: number, out: Record<string, unknown>): void;
  /**
   * A maker of decoded values: `creator(['options', 'checksumStatus'])(b, off, end, [], 'unchecked')` gives the
   * object `{ options: [], checksumStatus: 'unchecked' }` would be after `read(b, off, end, it)` (same keys, same
   * order, same values), made in one allocation with every field in the object itself (no property-by-property
   * growth): generated code, test/perf/compile.test.ts.
   */
  creator(init: readonly string[]): (b: Uint8Array, off: number, end: number, ...init: unknown[]) => Record<string, unknown>;
  /** Write the given values (undefined ones are skipped: the caller fills auto fields later). Throws EncodeError. */
  write(b: Uint8Array, off: number, values: Readonly<Record<string, unknown>>): void;
  /** The tree nodes of the fixed part (containers with their bit-field children), for bytes before `end`. */
  nodes(b: Uint8Array, off: number, end: number, value: Readonly<Record<string, unknown>>): FieldNode[];
}

function readValue(f: CompiledField, b: Uint8Array, off: number): FieldValue {
  const at = off + f.offset;
  switch (f.def.type) {
    case 'IPv4':
      return ipv4ToString(b, at);
    case 'IPv6':
      return ipv6ToString(b, at);
    case 'ETHER':
      return macToString(b, at, f.width);
    case 'BYTES':
      return b.subarray(at, at + f.width);
    case 'NONE':
      return null;
    default: {
      let raw = readUint(b, at, f.width);
      if (f.mask) raw = f.width <= 4 ? ((raw & f.mask) >>> 0) >>> f.shift : Math.floor((raw % (f.mask * 2)) / 2 ** f.shift);
      if (f.def.type === 'BOOLEAN') return raw !== 0;
      return raw * f.scale;
    }
  }
}

function writeValue(f: CompiledField, b: Uint8Array, off: number, v: unknown): void {
  const at = off + f.offset;
  const name = f.def.abbrev;
  switch (f.def.type) {
    case 'IPv4':
    case 'IPv6':
    case 'ETHER': {
      let bytes: Uint8Array | null;
      if (v instanceof Uint8Array) bytes = v;
      else if (typeof v === 'string')
        bytes = f.def.type === 'IPv4' ? parseIPv4(v) : f.def.type === 'IPv6' ? parseIPv6(v) : parseMAC(v);
      else bytes = null;
      if (!bytes || bytes.length !== f.width) throw new EncodeError(name, `not a valid ${f.def.type} address: ${String(v)}`);
      b.set(bytes, at);
      return;
    }
    case 'BYTES': {
      if (!(v instanceof Uint8Array) || v.length !== f.width)
        throw new EncodeError(name, `expected ${f.width} bytes`);
      b.set(v, at);
      return;
    }
    case 'NONE':
      return;
    default: {
      let n: number;
      if (typeof v === 'boolean') n = v ? 1 : 0;
      else if (typeof v === 'number') n = v;
      else throw new EncodeError(name, `expected a number, got ${typeof v}`);
      if (f.scale !== 1) {
        if (n % f.scale !== 0) throw new EncodeError(name, `${n} is not a multiple of ${f.scale}`);
        n /= f.scale;
      }
      const bits = f.mask ? 32 - Math.clz32(f.mask >>> f.shift) : f.width * 8;
      const max = 2 ** bits - 1;
      if (!Number.isInteger(n) || n < 0 || n > max) throw new EncodeError(name, `${n} does not fit in ${bits} bits`);
      if (f.mask) {
        const cur = readUint(b, at, f.width);
        const merged = ((cur & ~f.mask) | ((n << f.shift) & f.mask)) >>> 0;
        writeUint(b, at, f.width, merged);
      } else writeUint(b, at, f.width, n);
    }
  }
}

/**
 * Compile the fixed fields of a table (those with `offset` and `width`). `read` is generated code specialised to the
 * table (straight-line reads with the offsets, masks and property names as constants); `mode: 'generic'` gives the
 * table-walking reader it must equal (test/perf/compile.test.ts), also used where code cannot be generated.
 */
export function compileHeader<K extends string>(table: FieldTable<K>, mode: 'fast' | 'generic' = 'fast'): CompiledHeader<K> {
  const all: CompiledField[] = [];
  for (const key of Object.keys(table.fields) as K[]) {
    const def = table.fields[key];
    if (def.offset === undefined || def.width === undefined) continue;
    all.push({
      key,
      def,
      offset: def.offset,
      width: def.width,
      mask: def.bitmask ?? 0,
      shift: def.bitmask ? maskShift(def.bitmask) : 0,
      scale: def.scale ?? 1,
      children: [],
      isChild: false,
    });
  }
  // A bit field nests under the container (a field without a mask) at the same offset and width.
  for (const f of all) {
    if (!f.mask) continue;
    const parent = all.find((p) => !p.mask && p.offset === f.offset && p.width === f.width);
    if (parent) {
      parent.children.push(f);
      f.isChild = true;
    }
  }
  const size = all.reduce((m, f) => Math.max(m, f.offset + f.width), 0);
  const top = all.filter((f) => !f.isChild);
  const readGeneric = (b: Uint8Array, off: number, end: number, out: Record<string, unknown>): void => {
    for (const f of all) {
      if (off + f.offset + f.width > end) continue;
      out[f.key] = readValue(f, b, off);
    }
  };

  const node = (f: CompiledField, b: Uint8Array, off: number, value: Readonly<Record<string, unknown>>): FieldNode => {
    const v = (value[f.key] as FieldValue | undefined) ?? readValue(f, b, off);
    const n: { -readonly [P in keyof FieldNode]: FieldNode[P] } = { def: f.def, start: off + f.offset, len: f.width, value: v };
    if (f.mask) n.bitmask = f.mask;
    if (f.children.length) n.children = f.children.map((c) => node(c, b, off, value));
    return n;
  };

  return {
    size,
    fixed: all.map((f) => ({ key: f.key as K, def: f.def, offset: f.offset, width: f.width })),
    read: mode === 'generic' ? readGeneric : (compileReader(all) ?? readGeneric),
    creator(init) {
      const generic = (b: Uint8Array, off: number, end: number, ...vals: unknown[]): Record<string, unknown> => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < init.length; i++) out[init[i]!] = vals[i];
        readGeneric(b, off, end, out);
        return out;
      };
      return mode === 'generic' ? generic : (compileCreator(all, init) ?? generic);
    },
    write(b, off, values) {
      for (const f of all) {
        const v = values[f.key];
        if (v === undefined) continue;
        writeValue(f, b, off, v);
      }
    },
    nodes(b, off, end, value) {
      const out: FieldNode[] = [];
      for (const f of top) {
        if (off + f.offset + f.width > end) continue;
        out.push(node(f, b, off, value));
      }
      return out;
    },
  };
}

/** The expression reading field `f` of the header at `off` in `b` (the same value readValue gives). */
function readExpr(f: CompiledField): string | undefined {
  const at = (k: number): string => `b[off + ${f.offset + k}]`;
  switch (f.def.type) {
    case 'IPv4':
      return `ipv4ToString(b, off + ${f.offset})`;
    case 'IPv6':
      return `ipv6ToString(b, off + ${f.offset})`;
    case 'ETHER':
      return `macToString(b, off + ${f.offset}, ${f.width})`;
    case 'BYTES':
      return `b.subarray(off + ${f.offset}, off + ${f.offset + f.width})`;
    case 'NONE':
      return 'null';
    default: {
      let raw: string;
      switch (f.width) {
        case 1:
          raw = at(0);
          break;
        case 2:
          raw = `((${at(0)} << 8) | ${at(1)})`;
          break;
        case 3:
          raw = `((${at(0)} << 16) | (${at(1)} << 8) | ${at(2)})`;
          break;
        case 4:
          raw = `(((${at(0)} << 24) | (${at(1)} << 16) | (${at(2)} << 8) | ${at(3)}) >>> 0)`;
          break;
        default:
          raw = `readUint(b, off + ${f.offset}, ${f.width})`;
      }
      if (!Number.isFinite(f.mask) || !Number.isFinite(f.shift) || !Number.isFinite(f.scale)) return undefined;
      if (f.mask) raw = f.width <= 4 ? `(((${raw} & ${f.mask}) >>> 0) >>> ${f.shift})` : `Math.floor((${raw} % ${f.mask * 2}) / ${2 ** f.shift})`;
      if (f.def.type === 'BOOLEAN') return `(${raw} !== 0)`;
      return f.scale === 1 ? raw : `(${raw} * ${f.scale})`;
    }
  }
}

/**
 * Generated reader: when the whole fixed part is there, one straight run of reads; else each field behind its own
 * bounds check, as the generic reader does. Undefined where code cannot be generated (e.g. a content security
 * policy forbids it): the generic reader is used then.
 */
function compileReader(all: readonly CompiledField[]): ((b: Uint8Array, off: number, end: number, out: Record<string, unknown>) => void) | undefined {
  const size = all.reduce((m, f) => Math.max(m, f.offset + f.width), 0);
  const whole: string[] = [];
  const part: string[] = [];
  for (const f of all) {
    const e = readExpr(f);
    if (e === undefined) return undefined;
    const store = `out[${JSON.stringify(f.key)}] = ${e};`;
    whole.push(store);
    part.push(`if (n >= ${f.offset + f.width}) ${store}`);
  }
  const body = `return function read(b, off, end, out) {\n  const n = end - off;\n  if (n >= ${size}) {\n    ${whole.join('\n    ')}\n  } else {\n    ${part.join('\n    ')}\n  }\n};`;
  try {
    return new Function('ipv4ToString', 'ipv6ToString', 'macToString', 'readUint', body)(ipv4ToString, ipv6ToString, macToString, readUint) as (b: Uint8Array, off: number, end: number, out: Record<string, unknown>) => void;
  } catch {
    return undefined;
  }
}

/** Generated maker of a decoded value (see CompiledHeader.creator): an object literal when the header is whole. */
function compileCreator(all: readonly CompiledField[], init: readonly string[]): ((b: Uint8Array, off: number, end: number, ...init: unknown[]) => Record<string, unknown>) | undefined {
  const size = all.reduce((m, f) => Math.max(m, f.offset + f.width), 0);
  const params = init.map((_, i) => `a${i}`);
  const initProps = init.map((k, i) => `${JSON.stringify(k)}: a${i}`);
  const whole: string[] = [...initProps];
  const part: string[] = [];
  for (const f of all) {
    const e = readExpr(f);
    if (e === undefined) return undefined;
    whole.push(`${JSON.stringify(f.key)}: ${e}`);
    part.push(`if (n >= ${f.offset + f.width}) out[${JSON.stringify(f.key)}] = ${e};`);
  }
  const body = `return function create(${['b', 'off', 'end', ...params].join(', ')}) {\n  const n = end - off;\n  if (n >= ${size}) return { ${whole.join(', ')} };\n  const out = { ${initProps.join(', ')} };\n  ${part.join('\n  ')}\n  return out;\n};`;
  try {
    return new Function('ipv4ToString', 'ipv6ToString', 'macToString', 'readUint', body)(ipv4ToString, ipv6ToString, macToString, readUint) as (b: Uint8Array, off: number, end: number, ...init: unknown[]) => Record<string, unknown>;
  } catch {
    return undefined;
  }
}
