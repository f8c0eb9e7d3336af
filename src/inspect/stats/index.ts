/**
 * `-z` statistics, as tshark 4.0 prints them with `-q`: protocol hierarchy (io,phs), conversations and endpoints
 * (eth, ip, ipv6, tcp, udp), IO intervals (io,stat), expert information, the DNS stats tree and the DHCP message
 * table. Each is a collector fed every frame once; tshark draws them at the end in the reverse of the order they
 * were given (its tap list is last-registered first), and so does `drawOrder`.
 */
import { PROTOCOLS } from '../../protocols/index.js';
import type { Protocol } from '../../protocols/types.js';
import type { Prefs } from '../../dissect/prefs.js';
import { fieldIndex } from '../../filter/index.js';
import { conversationStat } from './conv.js';
import { dnsTree } from './dnstree.js';
import { expertStat } from './expert.js';
import { ioStat } from './iostat.js';
import { protocolHierarchy } from './phs.js';
import { valueTableStat } from './table.js';
import type { StatCollector, StatError, StatsContext } from './types.js';

export type { StatCollector, StatError, StatsContext } from './types.js';
export { isStatError } from './filter.js';
export { Progress } from './progress.js';

/** The statistics `-z` accepts (for help and errors). */
export const STAT_NAMES: readonly string[] = [
  'conv,eth',
  'conv,ip',
  'conv,ipv6',
  'conv,tcp',
  'conv,udp',
  'dhcp,stat',
  'dns,tree',
  'endpoints,eth',
  'endpoints,ip',
  'endpoints,ipv6',
  'endpoints,tcp',
  'endpoints,udp',
  'expert',
  'io,phs',
  'io,stat',
];

export function statsContext(prefs: Prefs, protocols: readonly Protocol<any, any>[] = PROTOCOLS): StatsContext {
  return { prefs, protocols, fields: fieldIndex(protocols), primed: new Set(), shared: new Map() };
}

/** A collector for one `-z` argument, or why it cannot be made. */
export function createStat(spec: string, ctx: StatsContext): StatCollector | StatError {
  if (spec === 'io,phs' || spec.startsWith('io,phs,')) return protocolHierarchy(spec, ctx);
  if (spec.startsWith('io,stat,') || spec === 'io,stat') return ioStat(spec, ctx);
  for (const make of [conversationStat, expertStat, dnsTree, valueTableStat]) {
    const s = make(spec, ctx);
    if (s) return s;
  }
  return {
    error: `Invalid -z argument "${spec}"; it must be one of:\n${STAT_NAMES.map((n) => `     ${n}`).join('\n')}`,
  };
}

/** tshark prints the statistics last-given first. */
export function drawOrder(stats: readonly StatCollector[]): StatCollector[] {
  return stats.slice().reverse();
}

/** Every line of every statistic, in tshark's order. */
export function drawAll(stats: readonly StatCollector[]): string[] {
  const out: string[] = [];
  for (const s of drawOrder(stats)) for (const l of s.lines()) out.push(l);
  return out;
}
