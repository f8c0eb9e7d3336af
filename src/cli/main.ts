/** The wirelens command: argument parsing and wiring only; no protocol knowledge here. */
import { Command, Option } from 'commander';
import { Dissector } from '../dissect/dissect.js';
import { applyPref, DEFAULT_PREFS } from '../dissect/prefs.js';
import type { Prefs } from '../dissect/prefs.js';
import { applyFieldsOption, DEFAULT_FIELDS_OPTIONS, fieldsRow } from '../inspect/fields.js';
import type { FieldsOptions } from '../inspect/fields.js';
import { summaryColumns, summaryLine } from '../inspect/summary.js';
import { frameHexDump } from '../inspect/hexdump.js';
import { frameDetail } from '../inspect/text.js';
import { JsonWriter, packetEk } from '../inspect/json.js';
import { glossaryFields, glossaryProtocolLines } from '../inspect/glossary.js';
import { palette, useColor } from '../inspect/color.js';
import type { ColorMode } from '../inspect/color.js';
import { explainFrame } from '../inspect/explain.js';
import { encapFigure } from '../inspect/encap.js';
import { PROTOCOLS, registerDefaults } from '../protocols/index.js';
import { compileFilter, fieldIndex, FilterError, formatFilterError, matchFrame } from '../filter/index.js';
import type { CompiledFilter } from '../filter/index.js';
import { displayedDelta, timeDiffText } from '../dissect/frame.js';
import type { Frame } from '../dissect/frame.js';
import { rebuild } from '../craft/build.js';
import { openInput } from './input.js';
import { formatFromExtension } from '../capture/linktypes.js';
import { CaptureSink } from './sink.js';
import type { OutFormat } from './sink.js';
import { Output } from './output.js';
import { createStat, drawAll, isStatError, Progress, statsContext } from '../inspect/stats/index.js';
import type { StatCollector } from '../inspect/stats/index.js';

/** Exit codes (documented in --help). */
export const EXIT = { ok: 0, usage: 1, badInput: 2, damaged: 3, badFilter: 4 } as const;

interface Options {
  readFile?: string;
  count?: string;
  displayFilter?: string;
  n?: boolean;
  quiet?: boolean;
  pref: string[];
  format?: string;
  field: string[];
  fieldOpt: string[];
  verbose?: boolean;
  hex?: boolean;
  only?: string;
  jsonFilter?: string;
  glossary?: string | boolean;
  explain?: string | boolean;
  encap?: boolean;
  color: string;
  jsonFilterChildren?: string;
  write?: string;
  writeFormat?: string;
  print?: boolean;
  rebuild?: boolean;
  stat: string[];
}

const collectList = (v: string, prev: string[]): string[] => [...prev, v];

export function buildProgram(): Command {
  const p = new Command('wirelens')
    .description('Read, decode, inspect and explain packet captures (pcap, pcapng), tshark-compatible.')
    .argument('[file]', 'capture file to read, or - for standard input')
    .option('-r, --read-file <file>', 'capture file to read (- for stdin)  e.g. -r fixtures/start.pcapng')
    .option('-c, --count <n>', 'stop after N packets  e.g. -c 10')
    .option('-Y, --display-filter <filter>', 'display filter  e.g. -Y "dns && ip.addr == 10.0.0.0/8"')
    .option('-n', 'no name resolution (accepted; wirelens never resolves names)  e.g. -n -r capture.pcap')
    .option('-q, --quiet', 'no per-packet output (with -z or -w)  e.g. -q -z conv,ip')
    .option('-o, --pref <name:value>', 'a preference, tshark names  e.g. -o ip.defragment:FALSE', collectList, [])
    .addOption(new Option('-T, --format <format>', 'output format  e.g. -T fields').choices(['text', 'fields', 'json', 'ek', 'records']))
    .option('-e, --field <field>', 'a field for -T fields (repeatable)  e.g. -e ip.src -e dns.qry.name', collectList, [])
    .option('-E, --field-opt <key=value>', 'fields options (repeatable): header=y|n separator=/t|/s|c occurrence=f|l|a aggregator=c quote=d|s|n  e.g. -E header=y -E separator=,', collectList, [])
    .option('-V, --verbose', 'packet details tree  e.g. -V -c 1')
    .option('-x, --hex', 'hex and ASCII dump of each packet  e.g. -x -c 1')
    .option('-j, --json-filter <names>', 'json/ek: write only these protocols and fields (space or comma separated)  e.g. -j "ip udp"')
    .option('-J, --json-filter-children <names>', 'like -j, with everything under a listed name  e.g. -J dns')
    .option('-G, --glossary [report]', 'print a glossary and exit: fields (default) or protocols  e.g. -G fields')
    .option('--explain [field]', 'teaching view: annotated hex dump, every field with its bytes, value and meaning  e.g. --explain=ip.ttl')
    .option('--encap', 'teaching view: the encapsulation figure (each header in the payload of the one below)  e.g. --encap -c 1')
    .addOption(new Option('--color <when>', 'colour the teaching views (auto: on a terminal, unless NO_COLOR is set)  e.g. --color=always').choices(['never', 'always', 'auto']).default('auto'))
    .option('-O, --only <protocols>', 'details of these protocols only (others one line); implies -V  e.g. -O ip,udp')
    .option('-z, --stat <statistic>', 'statistics printed after the packets (repeatable; with -q alone): io,phs io,stat,INTERVAL[,FILTER...] conv|endpoints,eth|ip|ipv6|tcp|udp[,FILTER] expert dns,tree dhcp,stat  e.g. -q -z io,phs', collectList, [])
    .option('-w, --write <file>', 'write packets to a capture file  e.g. -w out.pcapng')
    .addOption(new Option('-F, --write-format <format>', 'format for -w (default: from the extension)  e.g. -F pcap -w out.cap').choices(['pcap', 'pcapng', 'pcap-ns']))
    .option('-P, --print', 'with -w: also print the summary lines  e.g. -w out.pcapng -P')
    .option('--rebuild', 'with -w: write every frame re-encoded from its decoded layers (equal to the input on a well-formed capture)  e.g. -w out.pcapng --rebuild')
    .addHelpText(
      'after',
      `
Exit status: 0 ok; 1 bad arguments; 2 file cannot be read or is not a capture (empty, unknown format); 3 capture damaged (the packets before the damage were processed, the damage is on stderr with its byte offset); 4 bad display filter. A -w file that cannot be written is exit 1.

Examples:
  wirelens fixtures/start.pcapng
  wirelens -r capture.pcap -T fields -e frame.number -e ip.src -e dns.qry.name -E header=y
  cat capture.pcap | wirelens -r - -c 5`,
    )
    .helpOption('-h, --help', 'this help: every option, with an example  e.g. wirelens --help')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  return p;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    const code = (e as { exitCode?: number; code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  const opts = program.opts<Options>();
  if (opts.glossary !== undefined) {
    const report = opts.glossary === true ? 'fields' : opts.glossary;
    if (report !== 'fields' && report !== 'protocols') {
      process.stderr.write(`wirelens: -G: unknown report "${report}" (fields, protocols)\n`);
      return EXIT.usage;
    }
    const out = new Output();
    for (const l of report === 'fields' ? glossaryFields() : glossaryProtocolLines()) out.line(l);
    await out.flush();
    return EXIT.ok;
  }
  const file = opts.readFile ?? program.args[0];
  if (!file) {
    process.stderr.write('wirelens: no capture file given (wirelens FILE, -r FILE, or -r - for stdin)\n');
    return EXIT.usage;
  }
  const prefs: Prefs = { ...DEFAULT_PREFS };
  for (const spec of opts.pref) {
    const err = applyPref(prefs, spec);
    if (err) {
      process.stderr.write(`wirelens: ${err}\n`);
      return EXIT.usage;
    }
  }
  const fieldsOpts: FieldsOptions = { ...DEFAULT_FIELDS_OPTIONS };
  for (const spec of opts.fieldOpt) {
    const err = applyFieldsOption(fieldsOpts, spec);
    if (err) {
      process.stderr.write(`wirelens: ${err}\n`);
      return EXIT.usage;
    }
  }
  const limit = opts.count !== undefined ? Number(opts.count) : Infinity;
  if (!(limit >= 0)) {
    process.stderr.write(`wirelens: -c needs a number, got "${opts.count}"\n`);
    return EXIT.usage;
  }
  const format = opts.format ?? 'text';
  if (format === 'fields' && opts.field.length === 0) {
    process.stderr.write('wirelens: -T fields needs at least one -e FIELD\n');
    return EXIT.usage;
  }

  let filter: CompiledFilter | undefined;
  if (opts.displayFilter !== undefined) {
    try {
      filter = compileFilter(opts.displayFilter, fieldIndex(PROTOCOLS));
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      process.stderr.write(`wirelens: ${formatFilterError(e, opts.displayFilter)}\n`);
      return EXIT.badFilter;
    }
  }
  const stats: StatCollector[] = [];
  const statsCtx = statsContext(prefs);
  if (filter) for (const f of filter.fields) statsCtx.primed.add(f);
  for (const spec of opts.stat) {
    const s = createStat(spec, statsCtx);
    if (isStatError(s)) {
      process.stderr.write(`wirelens: -z ${spec}: ${s.error}\n`);
      return s.badFilter ? EXIT.badFilter : EXIT.usage;
    }
    stats.push(s);
  }
  const input = await openInput(file);
  if ('error' in input) {
    process.stderr.write(`wirelens: ${input.error}\n`);
    return EXIT.badInput;
  }
  if (opts.rebuild && !opts.write) {
    process.stderr.write('wirelens: --rebuild needs -w OUT\n');
    return EXIT.usage;
  }
  let sink: CaptureSink | undefined;
  if (opts.write) {
    // Every packet in the input's own format: the output reproduces the input's structure block for block.
    // (decided at the first packet, once the input's header is known)
    const inFormat = (): string => (input.info.format === 'pcap' ? (input.info.pcapHeader?.nanosecond ? 'pcap-ns' : 'pcap') : 'pcapng');
    const wanted = opts.writeFormat ?? (formatFromExtension(opts.write) === 'pcap' ? 'pcap' : 'pcapng');
    const copy = (): boolean => opts.displayFilter === undefined && opts.count === undefined && (wanted === inFormat() || (wanted === 'pcap' && opts.writeFormat === undefined && inFormat() === 'pcap-ns'));
    const s = await CaptureSink.open(opts.write, wanted as OutFormat, file, input.info, copy);
    if ('error' in s) {
      process.stderr.write(`wirelens: ${s.error}\n`);
      return EXIT.usage;
    }
    sink = s;
  }
  // With -w, tshark prints nothing per packet unless -P.
  const quiet = !!opts.quiet || (sink !== undefined && !opts.print);
  const out = new Output();
  const dissector = new Dissector(registerDefaults(), { prefs });
  const names = new Set(opts.field);
  const only = opts.only !== undefined ? new Set(opts.only.split(/[,\s]+/).filter(Boolean)) : undefined;
  const verbose = !!opts.verbose || only !== undefined;
  const jsonNames = opts.jsonFilterChildren ?? opts.jsonFilter;
  const jsonOpts = {
    hex: !!opts.hex,
    ...(jsonNames !== undefined ? { filter: new Set(jsonNames.split(/[,\s]+/).filter(Boolean)) } : {}),
    includeChildren: opts.jsonFilterChildren !== undefined,
  };
  const json = format === 'json' ? new JsonWriter(jsonOpts) : undefined;
  const pal = palette(useColor(opts.color as ColorMode, { isTTY: !!process.stdout.isTTY, noColor: process.env['NO_COLOR'], term: process.env['TERM'] }));
  const teach = opts.explain !== undefined || !!opts.encap;
  if (format === 'fields' && fieldsOpts.header) out.line(opts.field.join(fieldsOpts.separator));

  const progress = new Progress((s) => process.stderr.write(s), quiet && !!process.stderr.isTTY);
  let n = 0;
  let lastShown: [number, number] | undefined;
  // Records come in batches (one promise per read, not per packet); each batch is valid until the next.
  packets: for await (const batch of input.batches()) for (const record of batch) {
    if (n >= limit || out.closed) break packets;
    n++;
    // Dissect at most once per record, and only when something needs the layers.
    let dissected: Frame | undefined;
    const frameOf = (): Frame => (dissected ??= dissector.dissect(record));
    // With -Y, frame.time_delta_displayed counts from the previous frame shown (0 before the first), as tshark's.
    if (filter) displayedDelta.set(frameOf(), lastShown ? timeDiffText(record.tsSec, record.tsNsec, lastShown[0], lastShown[1]) : '0.000000000');
    // Statistics see every frame read, whatever -Y keeps (as tshark's taps do).
    if (stats.length) for (const s of stats) s.add(frameOf());
    progress.tick(n);
    if (filter && !matchFrame(filter, frameOf(), prefs)) continue;
    if (filter) lastShown = [record.tsSec, record.tsNsec];
    if (sink) {
      try {
        if (opts.rebuild) await sink.add(record, rebuild(frameOf()).bytes);
        else await sink.add(record);
      } catch (e) {
        await sink.abort();
        process.stderr.write(`wirelens: cannot write packet ${n} to "${opts.write}": ${(e as Error).message}\n`);
        return EXIT.usage;
      }
      if (quiet) continue;
    }
    if (format === 'records') {
      out.line(`${record.index + 1}\t${record.tsSec}.${String(record.tsNsec).padStart(9, '0')}\t${record.interfaceId}\t${record.linkType}\t${record.data.length}\t${record.origLen}`);
    } else {
      const frame = frameOf();
      if (format === 'fields') out.line(fieldsRow(frame, prefs, opts.field, names, fieldsOpts));
      else if (json) for (const l of json.packet(frame, prefs, input.interfaceInfo(record))) out.line(l);
      else if (format === 'ek') for (const l of packetEk(frame, prefs, jsonOpts, input.interfaceInfo(record))) out.line(l);
      else if (!quiet && teach) {
        const iface = input.interfaceInfo(record);
        const field = typeof opts.explain === 'string' ? opts.explain : undefined;
        if (opts.explain !== undefined) for (const l of explainFrame(frame, prefs, { palette: pal, iface, ...(field ? { field } : {}) }).concat('')) out.line(l);
        if (opts.encap) for (const l of encapFigure(frame, pal).concat('')) out.line(l);
      } else if (!quiet && (verbose || opts.hex)) {
        // tshark: the tree, a blank line, the hex dump, a blank line (no summary line with -V or -x).
        if (verbose) for (const l of frameDetail(frame, prefs, { hex: !!opts.hex, ...(only ? { only } : {}) }, input.interfaceInfo(record)).concat('')) out.line(l);
        if (opts.hex) for (const l of frameHexDump(frame.data, frame.sources).concat('')) out.line(l);
      } else if (!quiet) out.line(summaryLine(summaryColumns(frame, prefs, input.tsDecimals(record))));
    }
    if (out.full) await out.flush();
  }
  if (json) for (const l of json.end()) out.line(l);
  progress.done();
  if (stats.length) for (const l of drawAll(stats)) out.line(l);
  await out.flush();
  const problems = input.problems();
  // Not a capture at all (empty, too short, unknown magic): exit 2 and no output file; a capture damaged after
  // its header: the records before the damage were processed (and written), exit 3.
  const notCapture = input.info.format === undefined;
  if (sink) {
    try {
      if (notCapture) await sink.abort();
      else await sink.close();
    } catch (e) {
      await sink.abort();
      process.stderr.write(`wirelens: cannot write "${opts.write}": ${(e as Error).message}\n`);
      return EXIT.usage;
    }
  }
  for (const p of problems) process.stderr.write(`wirelens: ${file}: ${p.message} (at byte ${p.start})\n`);
  if (!problems.some((p) => p.severity === 'error')) return EXIT.ok;
  return notCapture ? EXIT.badInput : EXIT.damaged;
}
