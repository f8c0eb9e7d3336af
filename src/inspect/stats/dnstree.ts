/**
 * `-z dns,tree[,FILTER]`: tshark 4.0's DNS stats tree. Every DNS, mDNS and LLMNR message counts: its direction,
 * type and class of its (last) question, reply code and opcode (named by the fields' own value names), its size;
 * queries add their name length and label count, responses their record counts and, when the query was seen,
 * the request-response time (or count as a retransmission or an unsolicited response). Queries and responses are
 * matched as tshark does: same transport conversation and transaction ID, a query repeated within 5 seconds
 * being a retransmission. Memory: one entry per open transaction.
 */
import type { Frame } from '../../dissect/frame.js';
import type { FieldDef, FieldNode } from '../../fields/types.js';
import { isStatError, tapFilter } from './filter.js';
import type { TapFilter } from './filter.js';
import { layerField, layerNodes, nodesNamed, tappedLayers } from './layers.js';
import { StatsTree } from './statstree.js';
import type { StatNode } from './statstree.js';
import type { StatCollector, StatError, StatsContext } from './types.js';

/** The protocols whose messages tshark 4.0's DNS tap counts (not mDNS, not LLMNR, though they share the dns.* fields). */
const DNS_PROTOCOLS: ReadonlySet<string> = new Set(['dns']);
/** Open transactions kept at most (the oldest are forgotten first): bounds memory on endless captures. */
const MAX_TRANSACTIONS = 1 << 18;
/** tshark's dns.retransmission_timer default, in seconds. */
const RETRANSMISSION_TIMER = 5;
/** Transport layers whose ends make the conversation a DNS transaction belongs to, with their fields. */
const TRANSPORTS: Readonly<Record<string, readonly [string, string]>> = { udp: ['udp.srcport', 'udp.dstport'], tcp: ['tcp.srcport', 'tcp.dstport'] };
const NETWORKS: Readonly<Record<string, readonly [string, string]>> = { ip: ['ip.src', 'ip.dst'], ipv6: ['ipv6.src', 'ipv6.dst'] };

interface Transaction {
  reqFrame: number;
  repFrame: number;
  reqSec: number;
  reqNsec: number;
}

function first(nodes: readonly FieldNode[], ...names: string[]): FieldNode | undefined {
  for (const name of names) {
    const n = nodesNamed(nodes, name)[0];
    if (n) return n;
  }
  return undefined;
}

function last(nodes: readonly FieldNode[], name: string): FieldNode | undefined {
  const all = nodesNamed(nodes, name);
  return all[all.length - 1];
}

function num(n: FieldNode | undefined): number {
  const v = n?.value;
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : 0;
}

function named(n: FieldNode | undefined, fallback: string, value: number): string {
  return valueName(n?.def, fallback, value);
}

function valueName(def: FieldDef | undefined, fallback: string, value: number): string {
  return def?.strings?.[value] ?? fallback.replace('%d', String(value));
}

export class DnsTree implements StatCollector {
  private readonly tree = new StatsTree('DNS');
  private readonly n: Record<string, StatNode>;
  private readonly transactions = new Map<string, Transaction>();

  constructor(
    readonly spec: string,
    private readonly filter: TapFilter,
    private readonly ctx: StatsContext,
  ) {
    const r = this.tree.root;
    const packets = r.child('Total Packets');
    const size = r.child('Payload size');
    const query = r.child('Query Stats');
    query.child('Qname Len');
    const labels = query.child('Label Stats');
    const response = r.child('Response Stats');
    const service = r.child('Service Stats');
    this.n = {
      packets,
      qr: packets.child('Query/Response'),
      qtype: packets.child('Query Type'),
      qclass: packets.child('Class'),
      rcode: packets.child('rcode'),
      opcode: packets.child('opcodes'),
      size,
      qnameLen: query.child('Qname Len'),
      l1: labels.child('1st Level'),
      l2: labels.child('2nd Level'),
      l3: labels.child('3rd Level'),
      lmore: labels.child('4th Level or more'),
      nquestions: response.child('no. of questions'),
      nanswers: response.child('no. of answers'),
      nauthorities: response.child('no. of authorities'),
      nadditionals: response.child('no. of additionals'),
      unsolicited: service.child('no. of unsolicited responses'),
      retransmission: service.child('no. of retransmissions'),
      rrt: service.child('request-response time (msec)', true),
    };
  }

  /** The transport conversation of a DNS layer (both ends, either direction), for transaction matching. */
  private conversation(frame: Frame, index: number): string {
    let ports: [unknown, unknown] | undefined;
    for (let j = index - 1; j >= 0; j--) {
      const l = frame.layers[j]!;
      const t = TRANSPORTS[l.proto.name];
      if (t && !ports) {
        ports = [layerField(l, t[0]), layerField(l, t[1])];
        continue;
      }
      const nw = NETWORKS[l.proto.name];
      if (nw) {
        const a = `${String(layerField(l, nw[0]))}/${String(ports?.[0])}`;
        const b = `${String(layerField(l, nw[1]))}/${String(ports?.[1])}`;
        return a < b ? `${a}|${b}` : `${b}|${a}`;
      }
    }
    return '';
  }

  add(frame: Frame): void {
    if (!this.filter.matches(frame)) return;
    // Not a message quoted inside an ICMP error (tshark's taps skip those).
    for (const i of tappedLayers(frame)) {
      const layer = frame.layers[i]!;
      if (!DNS_PROTOCOLS.has(layer.proto.name)) continue;
      // tshark queues the tap at the end of the message: a message whose decoding stopped on an error (an
      // exception in tshark: malformed, or cut by the snapshot length) is not counted.
      if (frame.problems.some((p) => p.severity === 'error' && p.layer === layer.proto.name && p.source === layer.source)) continue;
      this.message(frame, i);
    }
  }

  private message(frame: Frame, index: number): void {
    const layer = frame.layers[index]!;
    const nodes = layerNodes(frame, index, this.ctx.prefs);
    // Header fields from the decoded value (the tree leaves some out, e.g. a query's reply code).
    const header = (abbrev: string): number => {
      const v = layerField(layer, abbrev);
      return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : num(first(nodes, abbrev));
    };
    const response = header('dns.flags.response');
    const opcode = header('dns.flags.opcode');
    const rcode = header('dns.flags.rcode');
    const qtypeNode = last(nodes, 'dns.qry.type');
    const qclassNode = last(nodes, 'dns.qry.class');
    const id = header('dns.id');

    // Transaction matching (tshark's dns_trans), before the tap sees the message.
    let retransmission = false;
    let unsolicited = false;
    let rrtMs: number | undefined;
    const key = `${this.conversation(frame, index)}#${id}`;
    const t = this.transactions.get(key);
    const abs = frame.record;
    if (!response) {
      let fresh = !t || t.repFrame > 0;
      if (t && !fresh) {
        const delta = abs.tsSec - t.reqSec + (abs.tsNsec - t.reqNsec) / 1e9;
        if (delta < RETRANSMISSION_TIMER) retransmission = true;
        else fresh = true;
      }
      if (fresh) {
        this.transactions.delete(key);
        this.transactions.set(key, { reqFrame: frame.number, repFrame: 0, reqSec: abs.tsSec, reqNsec: abs.tsNsec });
        if (this.transactions.size > MAX_TRANSACTIONS) this.transactions.delete(this.transactions.keys().next().value!);
      }
    } else {
      let repeated = false;
      if (t) {
        if (t.repFrame === 0) t.repFrame = frame.number;
        else if (t.repFrame !== frame.number) repeated = true;
      }
      if (t && t.reqFrame) {
        if (repeated) retransmission = true;
        else {
          const secs = abs.tsSec - t.reqSec;
          const nsecs = abs.tsNsec - t.reqNsec;
          rrtMs = secs * 1000 + nsecs / 1e6;
        }
      } else unsolicited = true;
    }

    const tree = this.tree;
    const n = this.n;
    tree.packet(frame.relSec, frame.relNsec);
    n.packets!.tick();
    n.qr!.pivot(response ? 'Response' : 'Query');
    const qtype = num(qtypeNode);
    const qclass = num(qclassNode);
    n.qtype!.pivot(named(qtypeNode, 'Unknown packet type (%d)', qtype));
    n.qclass!.pivot(named(qclassNode, 'Unknown class (%d)', qclass));
    n.rcode!.pivot(valueName(this.ctx.fields.get('dns.flags.rcode'), 'Unknown rcode (%d)', rcode));
    n.opcode!.pivot(valueName(this.ctx.fields.get('dns.flags.opcode'), 'Unknown opcode (%d)', opcode));
    // The message as the DNS dissector got it (over TCP, with its two-byte length; several messages in one
    // segment are layers of their own, each ending at its header end).
    n.size!.sample(layer.headerEnd - layer.start);
    if (!response) {
      n.qnameLen!.sample(num(last(nodes, 'dns.qry.name.len')));
      const labels = num(last(nodes, 'dns.count.labels'));
      (labels === 1 ? n.l1 : labels === 2 ? n.l2 : labels === 3 ? n.l3 : n.lmore)!.tick();
    } else {
      const counts = (): void => {
        n.nquestions!.sample(header('dns.count.queries'));
        n.nanswers!.sample(header('dns.count.answers'));
        n.nauthorities!.sample(header('dns.count.auth_rr'));
        n.nadditionals!.sample(header('dns.count.add_rr'));
      };
      counts();
      // tshark 4.0 adds a solicited response's record counts a second time (its dns_stats_tree_packet does).
      if (unsolicited) n.unsolicited!.tick();
      else {
        counts();
        if (retransmission) n.retransmission!.tick();
        else n.rrt!.sample(rrtMs ?? 0);
      }
    }
  }

  lines(): string[] {
    return this.tree.lines();
  }
}

/** `dns,tree[,FILTER]`. */
export function dnsTree(spec: string, ctx: StatsContext): DnsTree | StatError | undefined {
  if (spec !== 'dns,tree' && !spec.startsWith('dns,tree,')) return undefined;
  const f = tapFilter(spec.length > 8 ? spec.slice(9) : undefined, ctx);
  if (isStatError(f)) return f;
  return new DnsTree(spec, f, ctx);
}
