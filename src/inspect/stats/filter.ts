/** The display filter a statistic may carry (`-z conv,ip,FILTER`): compiled once, tested per frame. */
import type { Frame } from '../../dissect/frame.js';
import { compileFilter, FilterError, matchFrame } from '../../filter/index.js';
import type { CompiledFilter } from '../../filter/index.js';
import type { StatError, StatsContext } from './types.js';

export interface TapFilter {
  /** The filter as given (undefined: none). */
  readonly text: string | undefined;
  /** The field and protocol names the filter reads. */
  readonly fields: ReadonlySet<string>;
  matches(frame: Frame): boolean;
}

const NONE: ReadonlySet<string> = new Set();
const ALL: TapFilter = { text: undefined, fields: NONE, matches: () => true };

/** Compile a statistic's filter; an empty or absent filter matches every frame. */
export function tapFilter(text: string | undefined, ctx: StatsContext): TapFilter | StatError {
  if (text === undefined || text === '') return text === '' ? { text: '', fields: NONE, matches: () => true } : ALL;
  let compiled: CompiledFilter;
  try {
    compiled = compileFilter(text, ctx.fields);
  } catch (e) {
    const msg = e instanceof FilterError ? e.format(text) : (e as Error).message;
    return { error: msg, badFilter: true };
  }
  for (const f of compiled.fields) ctx.primed.add(f);
  return { text, fields: compiled.fields, matches: (frame) => matchFrame(compiled, frame, ctx.prefs) };
}

export function isStatError(x: unknown): x is StatError {
  return !!x && typeof x === 'object' && typeof (x as { error?: unknown }).error === 'string';
}
