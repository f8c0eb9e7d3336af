/** Display-filter tokens, with their offsets in the filter text (for carets under errors). */
import { FilterError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'char' | 'range' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written (for `op`: the operator; for `range`: the text between the brackets). */
  readonly text: string;
  /** Offset of the token's first character (for `range`: of the first character inside the brackets). */
  readonly pos: number;
  /** Length in the filter text. */
  readonly len: number;
  /** `string`: the bytes the literal stands for (escapes applied, UTF-8 for other characters). */
  readonly bytes?: Uint8Array;
  /** `string`: raw string (`r"..."`), backslashes kept. */
  readonly raw?: boolean;
  /** `char`: the character constant's value. */
  readonly value?: number;
  /** True when white space (or the start) precedes the token. */
  readonly spaced: boolean;
}

/** Operators, longest first so that `===` wins over `==`. */
const OPS = ['===', '!==', '==', '!=', '~=', '<=', '>=', '&&', '||', '^^', '..', '<', '>', '!', '&', '~', '+', '-', '*', '/', '%', '(', ')', '{', '}', ',', '#', '$'];

const enc = new TextEncoder();

function isWordStart(c: string): boolean {
  return /[A-Za-z0-9_:.]/.test(c);
}
function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_:.\-/]/.test(c);
}

/** Split a filter into tokens. Throws FilterError on a bad string, character constant or unclosed slice. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let spaced = true;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      spaced = true;
      continue;
    }
    const start = i;
    if (c === '"' || (c === 'r' && src[i + 1] === '"')) {
      const raw = c === 'r';
      const s = readString(src, raw ? i + 1 : i, raw);
      out.push({ kind: 'string', text: src.slice(start, s.end), pos: start, len: s.end - start, bytes: s.bytes, raw, spaced });
      i = s.end;
    } else if (c === "'") {
      const s = readChar(src, i);
      out.push({ kind: 'char', text: src.slice(start, s.end), pos: start, len: s.end - start, value: s.value, spaced });
      i = s.end;
    } else if (c === '[') {
      const close = src.indexOf(']', i + 1);
      if (close < 0) throw new FilterError('Unexpected end of filter expression.');
      out.push({ kind: 'range', text: src.slice(i + 1, close), pos: i + 1, len: close - i - 1, spaced });
      i = close + 1;
    } else if (c === '.' && src[i + 1] === '.') {
      out.push({ kind: 'op', text: '..', pos: i, len: 2, spaced });
      i += 2;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < src.length && isWordChar(src[j]!)) {
        if (src[j] === '.' && src[j + 1] === '.') break;
        j++;
      }
      out.push({ kind: 'word', text: src.slice(i, j), pos: i, len: j - i, spaced });
      i = j;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (!op) throw new FilterError(`"${c}" was unexpected in this context.`, i, 1);
      out.push({ kind: 'op', text: op, pos: i, len: op.length, spaced });
      i += op.length;
    }
    spaced = false;
  }
  out.push({ kind: 'eof', text: '', pos: src.length, len: 0, spaced });
  return out;
}

/** One escape sequence at `src[i] === '\\'`: its bytes and end, or a FilterError. */
function readEscape(src: string, i: number): { bytes: number[]; end: number } {
  const e = src[i + 1];
  if (e === undefined) throw new FilterError('The final quote was missing from a quoted string.', src.length, 1);
  const simple: Record<string, number> = { "'": 0x27, '"': 0x22, '\\': 0x5c, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
  if (e in simple) return { bytes: [simple[e]!], end: i + 2 };
  if (/[0-7]/.test(e)) {
    let j = i + 1;
    while (j < i + 4 && /[0-7]/.test(src[j] ?? '')) j++;
    const v = parseInt(src.slice(i + 1, j), 8);
    if (v > 0xff) throw new FilterError(`${src.slice(i, j)} is not a valid character escape sequence`, i, j - i);
    return { bytes: [v], end: j };
  }
  if (e === 'x') {
    let j = i + 2;
    while (j < i + 4 && /[0-9a-fA-F]/.test(src[j] ?? '')) j++;
    if (j === i + 2) throw new FilterError(`${src.slice(i, j)} is not a valid character escape sequence`, i, j - i);
    return { bytes: [parseInt(src.slice(i + 2, j), 16)], end: j };
  }
  if (e === 'u' || e === 'U') {
    const n = e === 'u' ? 4 : 8;
    const hex = src.slice(i + 2, i + 2 + n);
    const end = i + 2 + hex.length;
    if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) {
      throw new FilterError(`${src.slice(i, end)} is not a valid character escape sequence`, i, end - i);
    }
    const cp = parseInt(hex, 16);
    // C's rule for universal character names (as GLib/Wireshark apply it): not below U+00A0 except $ @ `,
    // no surrogates, nothing beyond U+10FFFF.
    if ((cp < 0xa0 && cp !== 0x24 && cp !== 0x40 && cp !== 0x60) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      throw new FilterError(`${src.slice(i, end)} is not a valid universal character name`, i, end - i);
    }
    return { bytes: [...enc.encode(String.fromCodePoint(cp))], end };
  }
  throw new FilterError(`\\${e} is not a valid character escape sequence`, i, 2);
}

/** A double-quoted string at `src[q] === '"'`. */
function readString(src: string, q: number, raw: boolean): { bytes: Uint8Array; end: number } {
  const bytes: number[] = [];
  let i = q + 1;
  for (;;) {
    if (i >= src.length) throw new FilterError('The final quote was missing from a quoted string.', src.length, 1);
    const c = src[i]!;
    if (c === '"') return { bytes: Uint8Array.from(bytes), end: i + 1 };
    if (c === '\\') {
      if (raw) {
        // raw strings keep the backslash; `\"` does not end the string
        const next = src[i + 1];
        if (next === undefined) throw new FilterError('The final quote was missing from a quoted string.', src.length, 1);
        bytes.push(0x5c, ...enc.encode(next));
        i += 2;
        continue;
      }
      const e = readEscape(src, i);
      bytes.push(...e.bytes);
      i = e.end;
      continue;
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    bytes.push(...enc.encode(ch));
    i += ch.length;
  }
}

/** A character constant at `src[q] === "'"`: `'a'`, `'\n'`, `'\x0a'`, `'\012'`. */
function readChar(src: string, q: number): { value: number; end: number } {
  let i = q + 1;
  let value: number;
  if (src[i] === '\\') {
    const e = readEscape(src, i);
    if (e.bytes.length !== 1) throw new FilterError(`${src.slice(q, e.end + 1)} is not a valid character constant.`, q, e.end + 1 - q);
    value = e.bytes[0]!;
    i = e.end;
  } else if (i < src.length && src[i] !== "'") {
    value = src.codePointAt(i)!;
    i += value > 0xffff ? 2 : 1;
  } else {
    throw new FilterError(`${src.slice(q, i + 1)} is not a valid character constant.`, q, Math.min(src.length, i + 1) - q);
  }
  if (src[i] !== "'") throw new FilterError('The final quote was missing from a character constant.', src.length, 1);
  return { value, end: i + 1 };
}
