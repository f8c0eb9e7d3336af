/**
 * `-z conv,TYPE[,FILTER]` and `-z endpoints,TYPE[,FILTER]` for eth, ip, ipv6, tcp and udp, as tshark 4.0 prints
 * them. Every layer of the type that tshark's tap sees (not a datagram quoted inside an ICMP error) counts once,
 * with the frame's wire length. A conversation is keyed by both ends whatever the direction (and, for TCP, by the
 * stream index); it keeps the orientation of its first packet: `->` counts packets in that direction, `<-` the
 * others. Rows are sorted by total frames, larger first, ties in order of first appearance.
 */
import type { Frame } from '../../dissect/frame.js';
import type { Prefs } from '../../dissect/prefs.js';
import type { Layer } from '../../protocols/types.js';
import { isShortProblem } from '../expert.js';
import { isStatError, tapFilter } from './filter.js';
import type { TapFilter } from './filter.js';
import { layerField, tappedLayers, treeField } from './layers.js';
import { fixed, formatSize, nsToSec, padEnd, padStart } from './printf.js';
import type { StatCollector, StatError, StatsContext } from './types.js';

/** How a conversation type reads its ends from the layers: field names from the protocols' tables. */
interface ConvType {
  /** The layer the tap fires on. */
  readonly proto: string;
  /** Address fields of that layer (link and network types). */
  readonly addr?: readonly [string, string];
  /** Port fields of that layer (transport types): the addresses then come from the nearest enclosing network layer. */
  readonly ports?: readonly [string, string];
  /** Network layers whose addresses a transport conversation uses, with their address fields. */
  readonly network?: readonly { readonly proto: string; readonly addr: readonly [string, string] }[];
  /** A field that splits conversations with the same ends (TCP stream index). */
  readonly convId?: string;
}

const NETWORK = [
  { proto: 'ip', addr: ['ip.src', 'ip.dst'] as const },
  { proto: 'ipv6', addr: ['ipv6.src', 'ipv6.dst'] as const },
];

export const CONV_TYPES: Readonly<Record<string, ConvType>> = {
  eth: { proto: 'eth', addr: ['eth.src', 'eth.dst'] },
  ip: { proto: 'ip', addr: ['ip.src', 'ip.dst'] },
  ipv6: { proto: 'ipv6', addr: ['ipv6.src', 'ipv6.dst'] },
  tcp: { proto: 'tcp', ports: ['tcp.srcport', 'tcp.dstport'], network: NETWORK, convId: 'tcp.stream' },
  udp: { proto: 'udp', ports: ['udp.srcport', 'udp.dstport'], network: NETWORK },
};

/** One tap hit: the two ends, as text, and the ports (transport types). */
interface Hit {
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly convId?: number;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The hits a frame gives for a conversation type: one per tapped layer of its protocol. Addresses are read from
 * the layer's tree (what tshark's taps get: a source-routed datagram's final destination; nothing from a header
 * cut short); ports and the stream index from the decoded value (cheaper than a transport layer's tree).
 */
function* hits(frame: Frame, type: ConvType, prefs: Prefs): Generator<Hit> {
  const layers = frame.layers;
  for (const i of tappedLayers(frame)) {
    const layer = layers[i]!;
    if (layer.proto.name !== type.proto) continue;
    // tshark queues a protocol's tap once its header is dissected: a header it gave up on (an exception: a
    // malformed length) is not counted.
    if (failed(frame, layer)) continue;
    if (type.addr) {
      const src = str(treeField(frame, i, type.addr[0], prefs));
      const dst = str(treeField(frame, i, type.addr[1], prefs));
      if (src !== undefined && dst !== undefined) yield { src, dst };
      continue;
    }
    if (!type.ports || !type.network) continue;
    const sport = layerField(layer, type.ports[0]);
    const dport = layerField(layer, type.ports[1]);
    if (typeof sport !== 'number' || typeof dport !== 'number') continue;
    const net = enclosing(frame, i, type.network, prefs);
    if (!net) continue;
    const id = type.convId !== undefined ? layerField(layer, type.convId) : undefined;
    yield { src: net.src, dst: net.dst, sport, dport, ...(typeof id === 'number' ? { convId: id } : {}) };
  }
}

function failed(frame: Frame, layer: Layer): boolean {
  return frame.problems.some((p) => p.severity === 'error' && p.layer === layer.proto.name && p.source === layer.source && !isShortProblem(frame, p));
}

function enclosing(frame: Frame, index: number, network: NonNullable<ConvType['network']>, prefs: Prefs): { src: string; dst: string } | undefined {
  for (let j = index - 1; j >= 0; j--) {
    const l = frame.layers[j]!;
    const n = network.find((x) => x.proto === l.proto.name);
    if (!n) continue;
    const src = str(treeField(frame, j, n.addr[0], prefs));
    const dst = str(treeField(frame, j, n.addr[1], prefs));
    return src !== undefined && dst !== undefined ? { src, dst } : undefined;
  }
  return undefined;
}

interface Conversation {
  readonly src: string;
  readonly dst: string;
  readonly sport: number | undefined;
  readonly dport: number | undefined;
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  startSec: number;
  startNsec: number;
  stopSec: number;
  stopNsec: number;
}

interface Endpoint {
  readonly addr: string;
  readonly port: number | undefined;
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
}

function end(addr: string, port: number | undefined): string {
  return port === undefined ? addr : `${addr}\u0000${port}`;
}

const RULE = '='.repeat(80);

/** Display order: by total frames, larger first; equal totals in order of first appearance. */
function byFrames<T extends { txFrames: number; rxFrames: number }>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => b.item.txFrames + b.item.rxFrames - (a.item.txFrames + a.item.rxFrames) || a.i - b.i)
    .map((x) => x.item)
    .filter((x) => x.txFrames + x.rxFrames > 0);
}

function cmpTime(as: number, an: number, bs: number, bn: number): number {
  return as !== bs ? as - bs : an - bn;
}

export class Conversations implements StatCollector {
  private readonly list: Conversation[] = [];
  private readonly index = new Map<string, Conversation>();

  constructor(
    readonly spec: string,
    private readonly type: ConvType,
    private readonly title: string,
    private readonly filter: TapFilter,
    private readonly prefs: Prefs,
  ) {}

  add(frame: Frame): void {
    if (!this.filter.matches(frame)) return;
    const bytes = frame.record.origLen;
    for (const h of hits(frame, this.type, this.prefs)) {
      const a = end(h.src, h.sport);
      const b = end(h.dst, h.dport);
      const key = (a < b ? `${a}\u0001${b}` : `${b}\u0001${a}`) + (h.convId !== undefined ? `\u0001${h.convId}` : '');
      let c = this.index.get(key);
      if (!c) {
        c = {
          src: h.src,
          dst: h.dst,
          sport: h.sport,
          dport: h.dport,
          txFrames: 0,
          txBytes: 0,
          rxFrames: 0,
          rxBytes: 0,
          startSec: frame.relSec,
          startNsec: frame.relNsec,
          stopSec: frame.relSec,
          stopNsec: frame.relNsec,
        };
        this.index.set(key, c);
        this.list.push(c);
      }
      if (h.src === c.src && h.dst === c.dst && h.sport === c.sport && h.dport === c.dport) {
        c.txFrames++;
        c.txBytes += bytes;
      } else {
        c.rxFrames++;
        c.rxBytes += bytes;
      }
      if (cmpTime(frame.relSec, frame.relNsec, c.stopSec, c.stopNsec) > 0) {
        c.stopSec = frame.relSec;
        c.stopNsec = frame.relNsec;
      } else if (cmpTime(frame.relSec, frame.relNsec, c.startSec, c.startNsec) < 0) {
        c.startSec = frame.relSec;
        c.startNsec = frame.relNsec;
      }
    }
  }

  lines(): string[] {
    const ports = this.type.ports !== undefined;
    const lead = ports ? ' '.repeat(12) : '';
    const out = [
      RULE,
      `${this.title} Conversations`,
      `Filter:${this.filter.text ?? '<No Filter>'}`,
      `${lead}                                               |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |`,
      `${lead}                                               | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |`,
    ];
    const w = ports ? 26 : 20;
    for (const c of byFrames(this.list)) {
      const a = ports ? `${c.src}:${c.sport}` : c.src;
      const b = ports ? `${c.dst}:${c.dport}` : c.dst;
      const start = nsToSec(c.startSec, c.startNsec);
      const duration = nsToSec(c.stopSec, c.stopNsec) - start;
      out.push(
        `${padEnd(a, w)} <-> ${padEnd(b, w)}  ${padStart(c.rxFrames, 6)} ${padEnd(formatSize(c.rxBytes), 9)}` +
          `  ${padStart(c.txFrames, 6)} ${padEnd(formatSize(c.txBytes), 9)}` +
          `  ${padStart(c.txFrames + c.rxFrames, 6)} ${padEnd(formatSize(c.txBytes + c.rxBytes), 9)}  ` +
          `${padStart(fixed(start, 9), 14)}   ${padStart(fixed(duration, 4), 12)}`,
      );
    }
    out.push(RULE);
    return out;
  }
}

export class Endpoints implements StatCollector {
  private readonly list: Endpoint[] = [];
  private readonly index = new Map<string, Endpoint>();

  constructor(
    readonly spec: string,
    private readonly type: ConvType,
    private readonly title: string,
    private readonly filter: TapFilter,
    private readonly prefs: Prefs,
  ) {}

  private endpoint(addr: string, port: number | undefined): Endpoint {
    const key = end(addr, port);
    let e = this.index.get(key);
    if (!e) {
      e = { addr, port, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 };
      this.index.set(key, e);
      this.list.push(e);
    }
    return e;
  }

  add(frame: Frame): void {
    if (!this.filter.matches(frame)) return;
    const bytes = frame.record.origLen;
    for (const h of hits(frame, this.type, this.prefs)) {
      const s = this.endpoint(h.src, h.sport);
      s.txFrames++;
      s.txBytes += bytes;
      const d = this.endpoint(h.dst, h.dport);
      d.rxFrames++;
      d.rxBytes += bytes;
    }
  }

  lines(): string[] {
    const ports = this.type.ports !== undefined;
    const out = [
      RULE,
      `${this.title} Endpoints`,
      `Filter:${this.filter.text ?? '<No Filter>'}`,
      `                       |  ${ports ? 'Port  ||  ' : ''}Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |`,
    ];
    for (const e of byFrames(this.list)) {
      const port = ports ? `      ${padStart(String(e.port ?? ''), 5)}     ` : '      ';
      out.push(
        `${padEnd(e.addr, 20)}${port}${padStart(e.txFrames + e.rxFrames, 6)}     ${padStart(e.txBytes + e.rxBytes, 9)}` +
          `     ${padStart(e.txFrames, 6)}       ${padStart(e.txBytes, 9)}      ${padStart(e.rxFrames, 6)}       ${padStart(e.rxBytes, 9)}   `,
      );
    }
    out.push(RULE);
    return out;
  }
}

/** `conv,TYPE[,FILTER]` / `endpoints,TYPE[,FILTER]`. */
export function conversationStat(spec: string, ctx: StatsContext): StatCollector | StatError | undefined {
  const m = /^(conv|endpoints),([a-z0-9]+)(?:,(.*))?$/s.exec(spec);
  if (!m) return undefined;
  const [, kind, name, filterText] = m;
  const type = CONV_TYPES[name!];
  if (!type) return undefined;
  const proto = ctx.protocols.find((p) => p.name === type.proto);
  const title = proto ? (proto.shortName ?? proto.name.toUpperCase()) : type.proto;
  const f = tapFilter(filterText, ctx);
  if (isStatError(f)) return f;
  return kind === 'conv' ? new Conversations(spec, type, title, f, ctx.prefs) : new Endpoints(spec, type, title, f, ctx.prefs);
}
