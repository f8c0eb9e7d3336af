/** `-T fields`: one line per frame with the values of the `-e` fields, formatted as tshark 4.0 does. */
import type { Frame } from '../dissect/frame.js';
import type { Prefs } from '../dissect/prefs.js';
import { fieldText } from '../fields/format.js';
import type { FieldNode } from '../fields/types.js';
import { collect, partialTree } from './tree.js';

export interface FieldsOptions {
  /** -E header=y */
  header: boolean;
  /** -E separator=/t|/s|c */
  separator: string;
  /** -E occurrence=f|l|a */
  occurrence: 'f' | 'l' | 'a';
  /** -E aggregator=c */
  aggregator: string;
  /** -E quote=d|s|n */
  quote: '' | '"' | "'";
}

export const DEFAULT_FIELDS_OPTIONS: FieldsOptions = { header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: '' };

/** Apply one `-E key=value`; returns an error message or null. */
export function applyFieldsOption(opts: FieldsOptions, spec: string): string | null {
  const i = spec.indexOf('=');
  if (i < 0) return `Invalid -E option "${spec}"`;
  const k = spec.slice(0, i);
  const v = spec.slice(i + 1);
  switch (k) {
    case 'header':
      if (v !== 'y' && v !== 'n') return `Invalid -E header value "${v}"`;
      opts.header = v === 'y';
      return null;
    case 'separator':
      opts.separator = v === '/t' ? '\t' : v === '/s' ? ' ' : v;
      return null;
    case 'occurrence':
      if (v !== 'f' && v !== 'l' && v !== 'a') return `Invalid -E occurrence value "${v}"`;
      opts.occurrence = v;
      return null;
    case 'aggregator':
      opts.aggregator = v === '/t' ? '\t' : v === '/s' ? ' ' : v;
      return null;
    case 'quote':
      if (v === 'd') opts.quote = '"';
      else if (v === 's') opts.quote = "'";
      else if (v === 'n') opts.quote = '';
      else return `Invalid -E quote value "${v}"`;
      return null;
    case 'bom':
    case 'escape':
      return null;
    default:
      return `Invalid -E option "${spec}"`;
  }
}

/** One occurrence as -T fields prints it: a protocol-type item (`_ws.malformed`) prints its label. */
function cellText(n: FieldNode): string {
  if (n.def.type === 'PROTOCOL') return n.text ?? n.def.name;
  // a present FT_NONE item (dns.opt) prints as 1
  if (n.def.type === 'NONE') return '1';
  return fieldText(n.def, n.value);
}

/** The cell for one field from its occurrences (tree order). */
export function fieldCell(nodes: readonly FieldNode[] | undefined, opts: FieldsOptions): string {
  if (!nodes || nodes.length === 0) return '';
  let text: string;
  if (opts.occurrence === 'f') text = cellText(nodes[0]!);
  else if (opts.occurrence === 'l') text = cellText(nodes[nodes.length - 1]!);
  else {
    text = '';
    for (let i = 0; i < nodes.length; i++) {
      if (i) text += opts.aggregator;
      text += cellText(nodes[i]!);
    }
  }
  return opts.quote ? opts.quote + text + opts.quote : text;
}

/**
 * One `-T fields` line for a frame. `names` is the set of `fields` (computed once by the caller). Only the parts of
 * the tree that can hold those fields are built (partialTree; equal to collecting over the whole tree).
 */
export function fieldsRow(frame: Frame, prefs: Prefs, fields: readonly string[], names: ReadonlySet<string>, opts: FieldsOptions): string {
  const found = collect(partialTree(frame, prefs, names), names);
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i) line += opts.separator;
    line += fieldCell(found.get(fields[i]!), opts);
  }
  return line;
}
