/**
 * `-z io,stat,INTERVAL[,COLUMN...]`: tshark's IO statistics box. A column is a display filter (frames and bytes of
 * the matching frames), empty (every frame), or a calculation `FRAMES|BYTES|COUNT|SUM|MIN|MAX|AVG(field)filter`
 * over the integer values of a field. Times are microseconds since the first frame, as tshark counts them; an
 * interval of 0 (or longer than the capture) covers the whole capture. Memory: one cell per column and interval
 * that saw a frame.
 */
import type { Frame } from '../../dissect/frame.js';
import { frameAccessor } from '../../filter/index.js';
import { valueClass } from '../../filter/index.js';
import type { FieldDef } from '../../fields/types.js';
import { isStatError, tapFilter } from './filter.js';
import type { TapFilter } from './filter.js';
import { padEnd, padStart } from './printf.js';
import type { StatCollector, StatError, StatsContext } from './types.js';

type Calc = 'FRAMES' | 'BYTES' | 'FRAMES BYTES' | 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG';
/** tshark's calc_type_table, in its order (a prefix match picks the first). */
const CALCS: readonly Calc[] = ['FRAMES', 'BYTES', 'FRAMES BYTES', 'COUNT', 'SUM', 'MIN', 'MAX', 'AVG'];

interface Cell {
  frames: number;
  /** Bytes, count, sum, min or max; for AVG the sum (divided by num when drawn). */
  counter: number;
  num: number;
}

interface Column {
  /** The column text as given (undefined: an empty column, every frame). */
  readonly text: string | undefined;
  readonly calc: Calc;
  readonly field?: FieldDef;
  readonly filter: TapFilter;
  readonly cells: Map<number, Cell>;
  /** A relative-time field: values are nanoseconds, shown as seconds with 6 decimals. */
  readonly time: boolean;
  /** The interval of the last cell a frame went to (tshark never goes back to an earlier one). */
  last: number;
  maxFrames: number;
  maxVal: number;
}

const UNSET = -1;

/** Decimal digits of an integer, at least 1 and at most `max` (tshark's magnitude()). */
function magnitude(val: number, max: number): number {
  let mag = 0;
  let v = Math.floor(val);
  for (let i = 0; i < max; i++) {
    mag++;
    v = Math.floor(v / 10);
    if (v === 0) break;
  }
  return mag;
}

/** tshark's printcenter(): a label centred in a column of `lenval` characters, with its right border. */
function printCenter(label: string, lenval: number, numpad: number): string {
  const spaces = '      ';
  const lenlab = label.length;
  const len = spaces.length - (Math.trunc((lenval - lenlab) / 2) + numpad);
  if (len > 0 && len < 6) {
    const s = spaces.slice(len);
    if ((lenval - lenlab) % 2 === 0) return `${s}${label}${s}|`;
    return `${spaces.slice(len - 1)}${label}${s}|`;
  }
  if (len > 0 && len <= 15) return `${label}|`;
  return '';
}

/** Seconds and a fraction of `prec` digits from microseconds, rounded to nearest at that precision. */
function timeText(us: number, prec: number): string {
  if (prec === 0) return String(Math.floor(us / 1e6));
  return `${Math.floor(us / 1e6)}.${String(Math.floor((us % 1e6) / 10 ** (6 - prec))).padStart(prec, '0')}`;
}

/** A relative time value (`0.032002000` seconds, as the tree carries it) in nanoseconds. */
function nanoseconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Math.round(v * 1e9);
  if (typeof v !== 'string') return undefined;
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?/.exec(v);
  if (!m) return undefined;
  const ns = Number(m[2]) * 1e9 + Number((m[3] ?? '').padEnd(9, '0'));
  return m[1] ? -ns : ns;
}

/** Microseconds as tshark's `%Nu.%06u`. */
function usText(us: number, secWidth: number): string {
  return `${padStart(Math.floor(us / 1e6), secWidth)}.${String(us % 1e6).padStart(6, '0')}`;
}

/** nstime rounded to `prec` decimals (half up), as text. */
function nsTimeText(sec: number, nsec: number, prec: number): string {
  const unit = 10 ** (9 - prec);
  let n = Math.floor((nsec + unit / 2) / unit);
  let s = sec;
  const per = 10 ** prec;
  if (n >= per) {
    s += 1;
    n -= per;
  }
  return prec === 0 ? String(s) : `${s}.${String(n).padStart(prec, '0')}`;
}

export class IoStat implements StatCollector {
  /** Max relative time seen (tshark's elapsed time), exact. */
  private elapsedSec = 0;
  private elapsedNsec = 0;
  private lastRelUs = 0;

  constructor(
    readonly spec: string,
    /** Microseconds; Infinity: the whole capture. */
    private readonly interval: number,
    private readonly invlPrec: number,
    private readonly columns: Column[],
    private readonly ctx: StatsContext,
  ) {}

  add(frame: Frame): void {
    if (frame.relSec > this.elapsedSec || (frame.relSec === this.elapsedSec && frame.relNsec > this.elapsedNsec)) {
      this.elapsedSec = frame.relSec;
      this.elapsedNsec = frame.relNsec;
    }
    let rel: number;
    if (frame.relSec >= 0 && frame.relNsec >= 0) {
      rel = frame.relSec * 1e6 + Math.floor((frame.relNsec + 500) / 1000);
      this.lastRelUs = rel;
    } else rel = this.lastRelUs;
    let access: ReturnType<typeof frameAccessor> | undefined;
    for (const col of this.columns) {
      if (!col.filter.matches(frame)) continue;
      const idx = Math.max(col.last, this.interval === Infinity ? 0 : Math.floor(rel / this.interval));
      col.last = idx;
      let cell = col.cells.get(idx);
      if (!cell) col.cells.set(idx, (cell = { frames: 0, counter: 0, num: 0 }));
      cell.frames++;
      switch (col.calc) {
        case 'FRAMES':
        case 'BYTES':
        case 'FRAMES BYTES':
          cell.counter += frame.record.origLen;
          break;
        default: {
          // tshark keeps in its tree only the fields some filter of the run mentions: a field no filter reads
          // has no values (COUNT(ip.ttl)ip alone counts nothing; COUNT(ip.ttl)ip.ttl does).
          if (!this.ctx.primed.has(col.field!.abbrev)) break;
          access ??= frameAccessor(frame, this.ctx.prefs);
          const nodes = access(col.field!.abbrev) ?? [];
          const values: number[] = [];
          for (const n of nodes) {
            const v = n.value;
            if (col.time) {
              const ns = nanoseconds(v);
              if (ns !== undefined) values.push(ns);
            } else if (typeof v === 'number') values.push(v);
            else if (typeof v === 'bigint') values.push(Number(v));
            else if (typeof v === 'boolean') values.push(v ? 1 : 0);
          }
          if (col.calc === 'COUNT') cell.counter += nodes.length;
          else if (col.calc === 'SUM') for (const v of values) cell.counter += v;
          else if (col.calc === 'MIN') values.forEach((v, i) => {
            if ((cell.frames === 1 && i === 0) || v < cell.counter) cell.counter = v;
          });
          else if (col.calc === 'MAX') for (const v of values) cell.counter = Math.max(cell.counter, v);
          else if (col.calc === 'AVG') for (const v of values) {
            cell.num++;
            cell.counter += v;
          }
        }
      }
      if (col.calc === 'FRAMES' || col.calc === 'FRAMES BYTES') {
        col.maxFrames = Math.max(col.maxFrames, cell.frames);
        if (col.calc === 'FRAMES BYTES') col.maxVal = Math.max(col.maxVal, cell.counter);
      } else if (col.calc === 'AVG') {
        if (cell.num) {
          const avg = Math.floor(cell.counter / cell.num);
          col.maxVal = Math.max(col.maxVal, col.time ? Math.floor((avg + 5e8) / 1e9) : avg);
        }
      } else col.maxVal = Math.max(col.maxVal, cell.counter);
    }
  }

  lines(): string[] {
    const out: string[] = [];
    let duration = this.elapsedSec * 1e6 + Math.floor((this.elapsedNsec + 500) / 1000);
    const whole = this.interval === Infinity || this.interval > duration;
    let interval = whole ? duration : this.interval;
    let durSecs = Math.floor(duration / 1e6);
    let durMag = magnitude(durSecs, 5);
    const invlMag = magnitude(Math.floor(interval / 1e6), 5);
    let invlPrec: number;
    let borderlen: number;
    if (interval === duration) {
      invlPrec = durMag >= 2 ? 1 : durMag === 1 ? 3 : 6;
      borderlen = 30 + durMag + (invlPrec === 0 ? 0 : invlPrec + 1);
    } else {
      invlPrec = this.invlPrec;
      borderlen = 25 + Math.max(invlMag, durMag) + (invlPrec === 0 ? 0 : invlPrec + 1);
    }
    const dv = 1e6 / 10 ** invlPrec;
    const half = 5 * Math.floor(dv / 10);
    if (duration % dv > half) {
      duration += half;
      duration = Math.floor(duration / dv) * dv;
      durSecs = Math.floor(duration / 1e6);
      durMag = magnitude(durSecs, 5);
    }
    if (whole) interval = duration;
    const invl = (us: number): string => padStart(timeText(us, invlPrec).split('.')[0]!, durMag) + (invlPrec ? '.' + timeText(us, invlPrec).split('.')[1]! : '');
    let invlColW = invlPrec === 0 ? 2 * durMag + 8 : 2 * durMag + 2 * invlPrec + 10;
    invlColW = Math.max(invlColW, 12);

    // Column widths.
    const widths = this.columns.map((c) => {
      const namelen = c.calc === 'FRAMES BYTES' ? 5 : c.calc.length;
      if (c.calc === 'FRAMES' || c.calc === 'FRAMES BYTES') {
        const fr = Math.max(6, magnitude(c.maxFrames, 15));
        const val = c.calc === 'FRAMES BYTES' ? Math.max(5, magnitude(c.maxVal, 15)) : 0;
        return { fr, val, w: fr + 3 + (c.calc === 'FRAMES BYTES' ? val + 3 : 0) };
      }
      if (c.calc === 'BYTES' || c.calc === 'COUNT') {
        const val = Math.max(5, magnitude(c.maxVal, 15));
        return { fr: 0, val, w: val + 3 };
      }
      if (c.time) {
        // Seconds with six decimals: the magnitude of the whole seconds, plus `.dddddd`.
        const secs = c.calc === 'AVG' ? c.maxVal : Math.floor((c.maxVal + 5e8) / 1e9);
        const val = magnitude(secs, 15) + 7;
        return { fr: 0, val, w: val + 3 };
      }
      const val = Math.max(namelen, magnitude(c.maxVal, 15));
      return { fr: 0, val, w: val + 3 };
    });
    const tabrowW = invlColW + widths.reduce((a, b) => a + b.w, 0);
    borderlen = Math.max(borderlen, tabrowW);
    let maxfltrW = 0;
    for (const c of this.columns) maxfltrW = Math.max(maxfltrW, c.text !== undefined ? c.text.length + 11 : 26);
    if (maxfltrW > borderlen && borderlen < 102) borderlen = Math.min(maxfltrW, 102);
    if (borderlen - tabrowW === 1) borderlen++;

    // Header.
    out.push('');
    out.push('='.repeat(borderlen));
    out.push(`|${padEnd(' IO Statistics', borderlen - 2)}|`);
    out.push(`|${' '.repeat(borderlen - 2)}|`);
    const durPrec = invlPrec === 0 ? 6 : invlPrec;
    const durW = magnitude(this.elapsedSec, 5) + (invlPrec === 0 ? 0 : invlPrec + 1);
    const boxed = (s: string): string => s + padStart('|', borderlen - s.length);
    let durText = nsTimeText(this.elapsedSec, this.elapsedNsec, durPrec);
    // tshark 4.0 prints the microseconds of a whole-second table with %6u: space-padded, not zero-padded.
    if (invlPrec === 0) durText = durText.replace(/\.(0*)(\d*)$/, (_, zeros: string, rest: string) => '.' + ' '.repeat(rest === '' ? zeros.length - 1 : zeros.length) + (rest === '' ? '0' : rest));
    // tshark pads these two lines for the width the number should have (magnitudes count at most 5 digits): a
    // longer number pushes the right border out.
    const nominal = (text: string, width: number): string => `${text}${' '.repeat(Math.max(0, borderlen - 1 - width))}|`;
    const durNominal = durW + (invlPrec === 0 ? 7 : 0);
    out.push(nominal(`| Duration: ${padStart(durText, durNominal)} secs`, 17 + durNominal));
    out.push(nominal(`| Interval: ${padStart(timeText(interval, invlPrec), durW)} secs`, 17 + durW));
    out.push(`|${' '.repeat(borderlen - 2)}|`);
    this.columns.forEach((c, j) => {
      let line = (j === 0 ? '| Col ' : '|     ') + (j + 1) + ': ';
      if (c.text === undefined) line += 'Frames and bytes';
      else {
        let filter = c.text;
        const maxW = borderlen - 11;
        while (filter.length > maxW) {
          const pos = filter.slice(0, maxW).lastIndexOf(' ');
          const len = pos >= 0 ? pos : maxW;
          line += filter.slice(0, len);
          out.push(boxed(line));
          line = '|         ';
          filter = filter.slice(pos >= 0 ? len + 1 : len);
        }
        line += filter;
      }
      out.push(boxed(line));
    });
    out.push(`|-${'-'.repeat(borderlen - 3)}|`);

    // Column header rows.
    const filler = tabrowW < borderlen ? padStart('|', borderlen - tabrowW) : '';
    let row = `|${padStart('|', invlColW - 1)}`;
    this.columns.forEach((c, j) => {
      const w = widths[j]!;
      const padding = c.calc === 'FRAMES BYTES' ? w.fr + w.val + 3 : c.calc === 'FRAMES' ? w.fr : w.val;
      row += `${padEnd(String(j + 1), 2)}${' '.repeat(padding)}|`;
    });
    out.push(row + filler);
    row = `| Interval${padStart('|', invlColW - 10)}`;
    this.columns.forEach((c, j) => {
      const w = widths[j]!;
      if (c.calc === 'FRAMES') row += printCenter('FRAMES', w.fr, 1);
      else if (c.calc === 'FRAMES BYTES') row += printCenter('Frames', w.fr, 1) + printCenter('Bytes', w.val, 1);
      else row += printCenter(c.calc, w.val, 1);
    });
    out.push(row + filler);
    out.push(`|-${'-'.repeat(tabrowW - 3)}|${filler}`);

    // Rows.
    const numRows = interval === 0 || duration === 0 ? 0 : Math.floor(duration / interval) + (duration % interval > 0 ? 1 : 0);
    let t = 0;
    for (let i = 0; i < numRows; i++) {
      const last = i === numRows - 1;
      const invlEnd = last ? duration : t + interval;
      if (invlPrec === 0) {
        if (last) {
          const maxw = durMag >= 3 ? durMag + 1 : 3;
          row = `| ${durMag === 1 ? ' ' : ''}${invl(t)} <> ${padEnd('Dur', maxw)}|`;
        } else row = durMag === 1 ? `|  ${invl(t)} <> ${invl(invlEnd)}  |` : `| ${invl(t)} <> ${invl(invlEnd)} |`;
      } else row = `| ${invl(t)} <> ${invl(invlEnd)} |`;
      this.columns.forEach((c, j) => {
        const w = widths[j]!;
        const cell = c.cells.get(i);
        const frames = cell?.frames ?? 0;
        const counter = cell?.counter ?? 0;
        switch (c.calc) {
          case 'FRAMES':
            row += ` ${padStart(frames, w.fr)} |`;
            break;
          case 'FRAMES BYTES':
            row += ` ${padStart(frames, w.fr)} | ${padStart(counter, w.val)} |`;
            break;
          case 'AVG':
            if (c.time) row += ` ${usText(cell ? Math.floor((Math.floor(counter / (cell.num || 1)) + 500) / 1000) : 0, w.val - 7)} |`;
            else row += ` ${padStart(cell ? Math.floor(counter / (cell.num || 1)) : 0, w.val)} |`;
            break;
          default:
            if (c.time && c.calc !== 'COUNT') row += ` ${usText(Math.floor((counter + 500) / 1000), w.val - 7)} |`;
            else row += ` ${padStart(counter, w.val)} |`;
        }
      });
      out.push(row + filler);
      t += interval;
    }
    out.push('='.repeat(borderlen));
    return out;
  }
}

/** `io,stat,INTERVAL[,COLUMN...]`. */
export function ioStat(spec: string, ctx: StatsContext): IoStat | StatError {
  const usage = { error: 'invalid "-z io,stat,<interval>[,<filter>][,<filter>]..." argument' };
  const m = /^io,stat,([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(.*)$/s.exec(spec);
  if (!m || spec.endsWith(',')) return usage;
  const intervalText = m[1]!;
  const rest = m[2]!;
  if (rest !== '' && !rest.startsWith(',')) return usage;
  const seconds = Number(intervalText);
  let interval: number;
  let invlPrec = 0;
  if (seconds === 0) interval = Infinity;
  else {
    interval = Math.floor(seconds * 1e6 + 0.5);
    invlPrec = 6;
    for (let i = 10; i < 10000000; i *= 10) {
      if (interval % i > 0) break;
      invlPrec--;
    }
    if (invlPrec === 0) {
      const dot = intervalText.indexOf('.');
      if (dot >= 0 && intervalText.length - dot - 1 > 0) invlPrec = Math.min(intervalText.length - dot - 1, 6);
    }
  }
  if (interval < 1) return { error: '"-z" interval must be >=0.000001 seconds or "0" for the entire capture duration.' };

  const columns: Column[] = [];
  const column = (text: string | undefined): Column | StatError => {
    let calc: Calc = 'FRAMES BYTES';
    let filterText = text;
    let field: FieldDef | undefined;
    if (text !== undefined) {
      const fn = CALCS.find((c) => text.startsWith(c) && text[c.length] === '(');
      if (fn) {
        const close = text.indexOf(')', fn.length + 1);
        if (close < 0) return { error: 'Closing parenthesis missing from calculated expression.' };
        const name = text.slice(fn.length + 1, close);
        calc = fn;
        filterText = text.slice(close + 1);
        if (fn === 'FRAMES' || fn === 'BYTES') {
          if (name !== '') return { error: `${fn} does not require or allow a field name within the parens.` };
        } else {
          if (name === '') return { error: `You didn't specify a field name for ${fn}(*).` };
          field = ctx.fields.get(name);
          if (!field) return { error: `There is no field named '${name}'.` };
          const cls = valueClass(field.type);
          if (fn !== 'COUNT' && cls !== 'int' && field.type !== 'RELATIVE_TIME') return { error: `${name} doesn't have integral values, so ${fn}(*) calculations are not supported on it.` };
        }
      }
    }
    const f = tapFilter(filterText === '' ? undefined : filterText, ctx);
    if (isStatError(f)) return f;
    return { text, calc, ...(field ? { field } : {}), filter: f, cells: new Map(), time: field?.type === 'RELATIVE_TIME', last: UNSET, maxFrames: 0, maxVal: 0 };
  };
  if (rest === '') {
    const c = column(undefined);
    if (isStatError(c)) return c;
    columns.push(c);
  } else {
    // Filters may contain commas: a piece that does not compile is joined with the next one.
    const pieces = rest.slice(1).split(',');
    let acc: string | undefined;
    let lastErr: StatError | undefined;
    for (let i = 0; i < pieces.length; i++) {
      acc = acc === undefined ? pieces[i]! : `${acc},${pieces[i]!}`;
      const text = acc.trim();
      const c = column(text === '' ? undefined : text);
      if (isStatError(c)) {
        lastErr = c;
        continue;
      }
      columns.push(c);
      acc = undefined;
      lastErr = undefined;
    }
    if (lastErr) return lastErr;
  }
  return new IoStat(spec, interval, invlPrec, columns, ctx);
}
