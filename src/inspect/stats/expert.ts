/**
 * `-z expert[,error|warn|note|chat|comment][,FILTER]`: tshark's expert information summary, from what wirelens
 * knows about each frame: its problems (bad checksums, malformed packets, other warnings), and packet comments.
 * Items with the same protocol and summary are counted together; each severity lists them in order of first
 * appearance, the most severe first.
 *
 * How problems map to tshark's items:
 * - a bad checksum: `Checksum` group, the problem's severity, `Bad checksum [should be 0x....]`;
 * - a frame whose decoding stopped on an error that the snapshot length does not explain (tshark's exception):
 *   one `Malformed` error, `Malformed Packet (Exception occurred)`, for the protocol of the last layer;
 * - a packet comment: a `Comment` of the `Frame` protocol.
 * Frames cut by the snapshot length give no item (tshark shows them only in the tree). wirelens's other warnings
 * (a forward compression pointer, trailing bytes...) have no tshark counterpart and are left out.
 *
 * The protocol column is tshark's registered short name, which for a few protocols is not the Protocol column's
 * text (`DHCP/BOOTP` for DHCP, `ARP/RARP` for ARP).
 */
import type { Problem } from '../../core/problem.js';
import type { Frame } from '../../dissect/frame.js';
import { isShortProblem } from '../expert.js';
import { registeredShortName } from '../glossary.js';
import { isStatError, tapFilter } from './filter.js';
import type { TapFilter } from './filter.js';
import { padStart } from './printf.js';
import type { StatCollector, StatError, StatsContext } from './types.js';

/** tshark's severities, most severe last (its enum order). */
const LEVELS = ['comment', 'chat', 'note', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];
const LEVEL_KEY = 'expert:lowest';
/**
 * The severity tshark registers for a bad checksum, by protocol (its ei_*_checksum_bad entries): an error for
 * IPv4, UDP and TCP, a warning for ICMP and ICMPv6. Other protocols keep the problem's own severity.
 */
const CHECKSUM_LEVEL: Readonly<Record<string, Level>> = { ip: 'error', udp: 'error', tcp: 'error', icmp: 'warn', icmpv6: 'warn' };
const TITLES: Readonly<Record<Level, string>> = { error: 'Errors', warn: 'Warns', note: 'Notes', chat: 'Chats', comment: 'Comments' };

function levelOf(severity: 'error' | 'warning' | 'note' | 'chat'): Level {
  return severity === 'warning' ? 'warn' : severity;
}

/** The expert item tshark registers for a bad checksum: its severity and summary (`Bad checksum [should be 0x7cca]`). */
export function checksumExpert(p: Problem): { readonly level: Level; readonly summary: string } {
  const should = typeof p.expected === 'number' ? ` [should be 0x${p.expected.toString(16).padStart(4, '0')}]` : '';
  return { level: CHECKSUM_LEVEL[p.layer] ?? levelOf(p.severity), summary: `Bad checksum${should}` };
}

/** tshark's names of the severities (`[Severity level: Error]`). */
export const LEVEL_NAMES: Readonly<Record<Level, string>> = { error: 'Error', warn: 'Warning', note: 'Note', chat: 'Chat', comment: 'Comment' };

interface Item {
  readonly group: string;
  readonly protocol: string;
  readonly summary: string;
  count: number;
}

export class ExpertInfo implements StatCollector {
  private readonly items: Record<Level, Item[]> = { comment: [], chat: [], note: [], warn: [], error: [] };
  private readonly index = new Map<string, Item>();

  constructor(
    readonly spec: string,
    private readonly filter: TapFilter,
    private readonly ctx: StatsContext,
  ) {}

  /** tshark keeps one lowest level per process: the last `expert,LEVEL` given applies to every expert statistic. */
  private get lowest(): Level {
    return (this.ctx.shared.get(LEVEL_KEY) as Level | undefined) ?? 'comment';
  }

  private shortName(layer: string): string {
    if (layer === 'frame') return 'Frame';
    const registered = registeredShortName(layer);
    if (registered) return registered;
    const p = this.ctx.protocols.find((x) => x.name === layer || x.table.proto.abbrev === layer);
    return p ? (p.shortName ?? p.name.toUpperCase()) : layer.toUpperCase();
  }

  private bump(level: Level, group: string, protocol: string, summary: string): void {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(this.lowest)) return;
    const key = `${level}\u0000${protocol}\u0000${summary}`;
    const item = this.index.get(key);
    if (item) {
      item.count++;
      return;
    }
    const fresh = { group, protocol, summary, count: 1 };
    this.index.set(key, fresh);
    this.items[level].push(fresh);
  }

  add(frame: Frame): void {
    if (!this.filter.matches(frame)) return;
    for (const c of frame.record.comments ?? []) this.bump('comment', 'Comment', 'Frame', c);
    let malformed = false;
    for (const p of frame.problems) {
      if (p.code === 'bad-checksum') {
        const e = checksumExpert(p);
        this.bump(e.level, 'Checksum', this.shortName(p.layer), e.summary);
      } else if (p.severity === 'error') {
        if (!isShortProblem(frame, p)) malformed = true;
      }
    }
    if (malformed) {
      const last = frame.layers[frame.layers.length - 1];
      this.bump('error', 'Malformed', last ? this.shortName(last.proto.name) : 'Frame', 'Malformed Packet (Exception occurred)');
    }
  }

  lines(): string[] {
    const out: string[] = [];
    for (const level of ['error', 'warn', 'note', 'chat', 'comment'] as const) {
      const items = this.items[level];
      if (items.length === 0) continue;
      const total = items.reduce((a, i) => a + i.count, 0);
      out.push('', `${TITLES[level]} (${total})`, '=============', '   Frequency      Group           Protocol  Summary');
      for (const i of items) out.push(`${padStart(i.count, 12)} ${padStart(i.group, 10)} ${padStart(i.protocol, 18)}  ${i.summary}`);
    }
    return out;
  }
}

/** `expert`, `expert,LEVEL`, `expert,LEVEL,FILTER` (or `expert,,FILTER`). */
export function expertStat(spec: string, ctx: StatsContext): ExpertInfo | StatError | undefined {
  if (!spec.startsWith('expert')) return undefined;
  let args = spec.slice('expert'.length);
  if (args !== '' && !args.startsWith(',')) return undefined;
  for (const [word, level] of [
    [',error', 'error'],
    [',warn', 'warn'],
    [',note', 'note'],
    [',chat', 'chat'],
    [',comment', 'comment'],
  ] as const) {
    if (args.slice(0, word.length).toLowerCase() === word) {
      ctx.shared.set(LEVEL_KEY, level);
      args = args.slice(word.length);
      break;
    }
  }
  const f = tapFilter(args.startsWith(',') ? args.slice(1) : undefined, ctx);
  if (isStatError(f)) return f;
  return new ExpertInfo(spec, f, ctx);
}
