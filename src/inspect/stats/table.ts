/**
 * tshark's simple statistics tables (`-z dhcp,stat`): one row per named value of a field, counting the layers
 * of a protocol that carry that value. The row names are the field's own value names (its declaration), in
 * numeric order; a value without a name is not counted, as in tshark.
 */
import type { Frame } from '../../dissect/frame.js';
import type { FieldDef } from '../../fields/types.js';
import { isStatError, tapFilter } from './filter.js';
import type { TapFilter } from './filter.js';
import { layerNodes, nodesNamed, tappedLayers } from './layers.js';
import { padEnd } from './printf.js';
import type { StatCollector, StatError, StatsContext } from './types.js';

/** A table statistic: which protocol's layers, which field's values, and tshark's titles. */
export interface ValueTableDef {
  /** The `-z` name (`dhcp,stat`). */
  readonly name: string;
  readonly proto: string;
  readonly field: string;
  readonly title: string;
  readonly tableTitle: string;
  readonly columns: readonly [string, string];
}

export const VALUE_TABLES: readonly ValueTableDef[] = [
  { name: 'dhcp,stat', proto: 'dhcp', field: 'dhcp.option.dhcp', title: 'DHCP (BOOTP) Statistics', tableTitle: 'DHCP Statistics', columns: ['DHCP Message Type', 'Packets'] },
];

const RULE = '='.repeat(101);

export class ValueTable implements StatCollector {
  /** tshark keeps one table per statistic kind: several `dhcp,stat` share (and all add to) the same counts. */
  private readonly counts: Map<number, number>;
  private readonly rows: [number, string][];

  constructor(
    readonly spec: string,
    private readonly def: ValueTableDef,
    private readonly field: FieldDef,
    private readonly filter: TapFilter,
    private readonly ctx: StatsContext,
  ) {
    this.rows = Object.entries(field.strings ?? {})
      .map(([k, v]) => [Number(k), v] as [number, string])
      .sort((a, b) => a[0] - b[0]);
    const key = `table:${def.name}`;
    let counts = ctx.shared.get(key) as Map<number, number> | undefined;
    if (!counts) {
      counts = new Map();
      for (const [k] of this.rows) counts.set(k, 0);
      ctx.shared.set(key, counts);
    }
    this.counts = counts;
  }

  add(frame: Frame): void {
    if (!this.filter.matches(frame)) return;
    for (const i of tappedLayers(frame)) {
      const layer = frame.layers[i]!;
      if (layer.proto.name !== this.def.proto) continue;
      // A value tshark could read: an option too short for its value (no bytes) does not set the type.
      const found = nodesNamed(layerNodes(frame, i, this.ctx.prefs), this.field.abbrev).filter((n) => n.len > 0);
      const last = found[found.length - 1];
      if (!last || typeof last.value !== 'number') continue;
      const c = this.counts.get(last.value);
      if (c !== undefined) this.counts.set(last.value, c + 1);
    }
  }

  lines(): string[] {
    const out = ['', RULE, `${this.def.title}:`, `Filter for statistics: ${this.filter.text ?? ''}`, `${this.def.columns[0]} |${this.def.columns[1]} |`, this.def.tableTitle];
    for (const [k, name] of this.rows) out.push(`${padEnd(name, 25)} |${this.counts.get(k) ?? 0} |`);
    out.push(RULE);
    return out;
  }
}

/** `dhcp,stat[,FILTER]`. */
export function valueTableStat(spec: string, ctx: StatsContext): ValueTable | StatError | undefined {
  for (const def of VALUE_TABLES) {
    if (spec !== def.name && !spec.startsWith(def.name + ',')) continue;
    const field = ctx.fields.get(def.field);
    if (!field) return { error: `no field ${def.field}` };
    const f = tapFilter(spec.length > def.name.length ? spec.slice(def.name.length + 1) : undefined, ctx);
    if (isStatError(f)) return f;
    return new ValueTable(spec, def, field, f, ctx);
  }
  return undefined;
}
