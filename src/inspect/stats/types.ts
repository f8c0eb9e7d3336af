/** The shape every `-z` statistic shares: frames in, tshark's text out. */
import type { Frame } from '../../dissect/frame.js';
import type { Prefs } from '../../dissect/prefs.js';
import type { FieldIndex } from '../../filter/fields.js';
import type { Protocol } from '../../protocols/types.js';

/** What a statistic may consult besides the frames. */
export interface StatsContext {
  readonly prefs: Prefs;
  /** The protocols wirelens knows (names, short names, field tables). */
  readonly protocols: readonly Protocol<any, any>[];
  /** Every filter name, for the statistics' display filters and field arguments. */
  readonly fields: FieldIndex;
  /**
   * Names some filter of the run mentions (every statistic's filter, and -Y): tshark keeps only those fields
   * in the trees its taps see, so a calculation on a field no filter mentions finds nothing.
   */
  readonly primed: Set<string>;
  /** State tshark keeps once per process rather than per statistic (shared tables, the expert level). */
  readonly shared: Map<string, unknown>;
}

/**
 * One `-z` statistic. `add` is called once per frame, in capture order, with bounded work; state grows with the
 * number of distinct things counted (conversations, intervals), not with the number of frames. `lines` draws it.
 */
export interface StatCollector {
  /** The `-z` argument it was made from. */
  readonly spec: string;
  add(frame: Frame): void;
  /** The output lines (without their newline), once every frame was added. */
  lines(): string[];
}

/** A `-z` argument that cannot be used: tshark's message, and whether a display filter was at fault. */
export interface StatError {
  readonly error: string;
  readonly badFilter?: boolean;
}
