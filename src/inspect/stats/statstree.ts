/**
 * tshark's stats trees (`-z dns,tree` and the like): named counters in a tree, with averages, minima and maxima,
 * a rate per millisecond, a percentage of the parent, and the burst rate (the most ticks within a 100 ms window,
 * counted in 5 ms buckets) with the time the busiest window started. Drawn as tshark 4.0's plain text: the
 * top-level nodes in creation order, every other level sorted by count (larger first), equal counts by name
 * (in reverse byte order, which is what tshark's descending sort does to them).
 *
 * Numbers follow tshark's C types: counts and rates are single-precision floats where tshark uses `float`.
 */
import { f32, fixed, padEnd } from './printf.js';

/** Wireshark's default stats-tree preferences. */
const BURST_WINDOW_MS = 100;
const BURST_RESOLUTION_MS = 5;
const COLUMN_SIZE = 12;

interface Bucket {
  bucket: number;
  count: number;
  start: number;
}

export class StatNode {
  counter = 0;
  readonly children: StatNode[] = [];
  /** Children by name (pivot nodes and named children). */
  readonly byName = new Map<string, StatNode>();
  average = false;
  minmax = false;
  total = 0;
  min = 0;
  max = 0;
  /** Burst buckets, oldest first (a window of BURST_WINDOW_MS). */
  private buckets: Bucket[] = [{ bucket: 0, count: 0, start: 0 }];
  private bcount = 0;
  maxBurst = 0;
  burstTime = -1;

  constructor(
    readonly tree: StatsTree,
    readonly name: string,
    readonly parent: StatNode | undefined,
    readonly float = false,
  ) {}

  /** tshark's update_burst_calc(): add `value` ticks at the tree's current time. */
  burst(value: number): void {
    const now = this.tree.now;
    const current = Math.floor(now / BURST_RESOLUTION_MS);
    const win = BURST_WINDOW_MS / BURST_RESOLUTION_MS;
    const b = this.buckets;
    const head = b[0]!;
    const tail = b[b.length - 1]!;
    if (current > tail.bucket) {
      b.push({ bucket: current, count: value, start: now });
      this.bcount += value;
      while (b.length > 0 && current >= b[0]!.bucket + win) {
        this.bcount -= b[0]!.count;
        b.shift();
      }
    } else if (current < head.bucket) {
      if (current + win > tail.bucket) {
        b.unshift({ bucket: current, count: value, start: now });
        this.bcount += value;
      }
    } else {
      let k = b.length - 1;
      while (current < b[k]!.bucket) k--;
      const found = b[k]!;
      if (found.bucket === current) {
        found.count += value;
        if (found.start > now) found.start = now;
      } else b.splice(k + 1, 0, { bucket: current, count: value, start: now });
      this.bcount += value;
    }
    if (this.bcount > this.maxBurst) {
      this.maxBurst = this.bcount;
      this.burstTime = b[0]!.start;
    }
  }

  /** MN_INCREASE */
  tick(value = 1): void {
    this.counter += value;
    this.burst(value);
  }

  /** MN_AVERAGE: one more sample. */
  sample(value: number): void {
    this.counter++;
    this.burst(1);
    const v = this.float ? f32(value) : value;
    if (this.float) this.total = f32(this.total + v);
    else this.total += v;
    if (!this.minmax || v < this.min) this.min = v;
    if (!this.minmax || v > this.max) this.max = v;
    this.average = true;
    this.minmax = true;
  }

  child(name: string, float = false): StatNode {
    let c = this.byName.get(name);
    if (!c) {
      c = new StatNode(this.tree, name, this, float);
      this.children.push(c);
      this.byName.set(name, c);
    }
    return c;
  }

  /** stats_tree_tick_pivot: count the pivot and the child named by the value. */
  pivot(value: string): void {
    this.counter++;
    this.burst(1);
    this.child(value).tick();
  }
}

export class StatsTree {
  readonly root: StatNode;
  /** Current and first packet times, in milliseconds since the first frame of the capture. */
  now = 0;
  private start = -1;
  elapsed = 0;

  constructor(readonly title: string) {
    this.root = new StatNode(this, 'root', undefined);
  }

  /** Called once per packet the tree counts, before its nodes are ticked. */
  packet(relSec: number, relNsec: number): void {
    this.now = relSec * 1000 + relNsec / 1e6;
    if (this.start < 0) this.start = this.now;
    this.elapsed = this.now - this.start;
  }

  private values(n: StatNode): string[] {
    const v: string[] = [String(n.counter)];
    if (n.average) v.push(n.counter ? fixed(n.float ? n.total / n.counter : f32(f32(n.total) / n.counter), 2) : '-');
    else v.push('');
    if (n.minmax) {
      v.push(n.counter ? (n.float ? fixed(n.min, 6) : String(n.min)) : '-');
      v.push(n.counter ? (n.float ? fixed(n.max, 6) : String(n.max)) : '-');
    } else v.push('', '');
    v.push(this.elapsed ? fixed(f32(f32(n.counter) / f32(this.elapsed)), 4) : '');
    const p = n.parent!;
    v.push(p.counter ? `${fixed((n.counter * 100) / p.counter, 2)}%` : p === this.root ? '100%' : '');
    if (n.maxBurst > 0) {
      v.push(fixed(n.maxBurst / BURST_WINDOW_MS, 4));
      v.push(fixed(n.burstTime / 1000, 3));
    } else v.push('-', '-');
    return v;
  }

  lines(): string[] {
    const maxLen = (n: StatNode, indent: number): number => {
      let m = n.name.length + indent;
      for (const c of n.children) m = Math.max(m, maxLen(c, indent + 1));
      return m;
    };
    const nameW = maxLen(this.root, 0);
    const names = ['Count', 'Average', 'Min Val', 'Max Val', 'Rate (ms)', 'Percent', 'Burst Rate', 'Burst Start'];
    const sepLen = nameW + names.length * (COLUMN_SIZE + 2);
    const out = ['', '='.repeat(sepLen), `${this.title}:`];
    out.push(padEnd('Topic / Item', nameW) + names.map((c) => ' ' + padEnd(c, COLUMN_SIZE + 1)).join(''));
    out.push('-'.repeat(sepLen));
    const draw = (n: StatNode, indent: number): void => {
      out.push(padEnd(' '.repeat(indent) + n.name, nameW) + this.values(n).map((c) => ' ' + padEnd(c, COLUMN_SIZE + 1)).join(''));
      const kids = n.children.slice().sort((a, b) => b.counter - a.counter || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const c of kids) draw(c, indent + 1);
    };
    for (const c of this.root.children) draw(c, 0);
    out.push('', '-'.repeat(sepLen));
    return out;
  }
}
