/**
 * `-z io,phs[,FILTER]`: protocol hierarchy statistics. Each frame walks down a tree of protocol names following
 * the protocol nodes at the top of its dissection tree (the same nodes tshark's tree has, after `frame`); every
 * node counts the frames that reached it and their wire lengths. Memory: one node per distinct protocol path.
 */
import type { Frame } from '../../dissect/frame.js';
import { tapFilter, isStatError } from './filter.js';
import type { TapFilter } from './filter.js';
import { topLevelProtocols } from './layers.js';
import { padEnd } from './printf.js';
import type { StatCollector, StatError, StatsContext } from './types.js';

interface PhsNode {
  readonly name: string;
  frames: number;
  bytes: number;
  readonly children: PhsNode[];
}

const RULE = '='.repeat(67);
/** tshark builds each line in an 80-byte buffer: the indented name is cut at 79 characters. */
const MAX_NAME = 79;

export class ProtocolHierarchy implements StatCollector {
  private readonly root: PhsNode = { name: '', frames: 0, bytes: 0, children: [] };

  constructor(
    readonly spec: string,
    private readonly filter: TapFilter,
  ) {}

  add(frame: Frame): void {
    if (!this.filter.matches(frame)) return;
    const len = frame.record.origLen;
    let level = this.root;
    for (const name of topLevelProtocols(frame)) {
      let node = level.children.find((c) => c.name === name);
      if (!node) level.children.push((node = { name, frames: 0, bytes: 0, children: [] }));
      node.frames++;
      node.bytes += len;
      level = node;
    }
  }

  lines(): string[] {
    const out = ['', RULE, 'Protocol Hierarchy Statistics', `Filter: ${this.filter.text ?? ''}`, ''];
    const draw = (nodes: readonly PhsNode[], depth: number): void => {
      for (const n of nodes) {
        let indent = '';
        for (let i = 0; i < depth; i++) {
          if (i > 15) {
            indent += '...';
            break;
          }
          indent += '  ';
        }
        out.push(`${padEnd((indent + n.name).slice(0, MAX_NAME), 40)} frames:${n.frames} bytes:${n.bytes}`);
        draw(n.children, depth + 1);
      }
    };
    draw(this.root.children, 0);
    out.push(RULE);
    return out;
  }
}

/** `io,phs` or `io,phs,FILTER`. */
export function protocolHierarchy(spec: string, ctx: StatsContext): ProtocolHierarchy | StatError {
  const m = /^io,phs(?:,(.*))?$/s.exec(spec);
  if (!m) return { error: 'invalid "-z io,phs[,<filter>]" argument' };
  const f = tapFilter(m[1], ctx);
  if (isStatError(f)) return f;
  return new ProtocolHierarchy(spec, f);
}
