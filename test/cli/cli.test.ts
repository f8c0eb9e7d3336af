/**
 * CLI golden tests driven by test/cli/TESTLIST (tcpdump's tests/TESTLIST style): run the command in-process on a
 * fixture capture and compare its standard output byte for byte with fixtures/cli/expected/<file>.
 * `tshark` entries were produced by tshark 4.0.17 itself (fixtures/cli/make-expected.sh); `reviewed` entries are
 * wirelens's teaching views, checked by hand. WIRELENS_UPDATE=1 rewrites the `reviewed` files (never the tshark ones).
 */
process.env.TZ = 'UTC';
delete process.env.NO_COLOR;

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../../src/cli/main.js';
import { readCaptureFile } from '../../src/capture/reader.js';
import { parseTestlist, splitWords, stderrFile } from './testlist.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Run the command with `argv` (and `env` set meanwhile), returning what it wrote to stdout and stderr and its exit code. */
export async function runCli(argv: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, env);
  try {
    const code = await main(argv);
    return { stdout, stderr, code };
  } finally {
    w.mockRestore();
    e.mockRestore();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const cases = parseTestlist(readFileSync(root + 'test/cli/TESTLIST', 'utf8'));
const update = process.env['WIRELENS_UPDATE'] === '1';

afterEach(() => vi.restoreAllMocks());

const tmp = mkdtempSync(join(tmpdir(), 'wirelens-testlist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A capture file as the -w comparison sees it: pcap byte for byte; pcapng as its packet records, each with the
 * interface it names (link type, snapshot length, name, description, time units, FCS length), which is what a reader
 * gets from it. (tshark's section header names tshark, and tshark copies every interface of the input, used or not.)
 */
function captureView(bytes: Uint8Array): unknown {
  const f = readCaptureFile(bytes);
  if (f.format === 'pcap') return bytes;
  const iface = (section: number, id: number): unknown => {
    const i = f.interfaces.find((x) => x.sectionIndex === section && x.id === id);
    return i ? [i.linkType, i.snapLen, i.name, i.description, i.unitsPerSecond, i.tsOffset, i.fcsLen] : undefined;
  };
  return {
    problems: f.problems.map((p) => p.message),
    records: f.records.map((r) => [iface(r.sectionIndex ?? 0, r.interfaceId), r.tsSec, r.tsNsec, r.origLen, [...r.data], r.flags, r.comments]),
  };
}

describe('TESTLIST', () => {
  it('has both tshark-checked and reviewed cases', () => {
    expect(cases.filter((c) => c.source === 'tshark').length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.source === 'reviewed').length).toBeGreaterThanOrEqual(3);
  });

  it('names each case once', () => {
    const names = cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const c of cases) {
    const env = Object.entries(c.env).map(([k, v]) => `${k}=${v} `).join('');
    it(`${c.name}: ${env}wirelens ${c.args.join(' ')} ${c.capture ?? ''}`, async () => {
      // %OUT: a file the command writes (-w); it is compared with the expected capture instead of stdout.
      const out = join(tmp, c.name + (c.expected.endsWith('.pcap') ? '.pcap' : '.pcapng'));
      const args = c.args.map((a) => (a === '%OUT' ? out : a));
      const r = await runCli([...(c.capture ? ['-r', root + 'fixtures/' + c.capture] : []), ...args], c.env);
      const path = root + 'fixtures/cli/expected/' + c.expected;
      if (update && c.source === 'reviewed') writeFileSync(path, r.stdout);
      if (c.status !== 0) {
        const err = readFileSync(root + 'fixtures/cli/expected/' + stderrFile(c.expected), 'utf8');
        expect(err.length).toBeGreaterThan(0);
        expect(r.stderr).toBe(err);
      }
      expect(r.code).toBe(c.status);
      if (c.args.includes('%OUT')) {
        expect(r.stdout).toBe('');
        const want = new Uint8Array(readFileSync(path));
        expect(want.length).toBeGreaterThan(0);
        expect(captureView(new Uint8Array(readFileSync(out)))).toEqual(captureView(want));
        return;
      }
      const want = readFileSync(path, 'utf8');
      if (c.status === 0 && !c.args.includes('-q') && !c.name.endsWith('-empty')) expect(want.length).toBeGreaterThan(0);
      expect(r.stdout).toBe(want);
    });
  }
});

describe('TESTLIST format', () => {
  it("splits on blanks and keeps what '...' quotes as one word", () => {
    expect(splitWords('a  b\tc \\t')).toEqual(['a', 'b', 'c', '\\t']);
    expect(splitWords("-Y 'dns.qry.name contains \"a\"' -c 1")).toEqual(['-Y', 'dns.qry.name contains "a"', '-c', '1']);
    expect(splitWords("-Y'a b'c '' x")).toEqual(['-Ya bc', '', 'x']);
    expect(splitWords("\ta\t b ")).toEqual(['a', 'b']);
    expect(() => splitWords("-Y 'dns")).toThrow(/unclosed quote/);
  });

  it('reads status, environment and the no-capture mark', () => {
    const [c] = parseTestlist("x  tshark:4  -  x.out  NO_COLOR=1 A_B=2 -Y 'a b'\n");
    expect(c).toEqual({ name: 'x', source: 'tshark', status: 4, capture: undefined, expected: 'x.out', env: { NO_COLOR: '1', A_B: '2' }, args: ['-Y', 'a b'] });
    expect(stderrFile('x.out')).toBe('x.err');
    expect(() => parseTestlist('x  other  cap  x.out')).toThrow(/bad TESTLIST line/);
  });

  it('every case with a non-zero status has its expected standard error', () => {
    for (const c of cases.filter((x) => x.status !== 0)) expect(existsSync(root + 'fixtures/cli/expected/' + stderrFile(c.expected)), c.name).toBe(true);
  });
});

describe('command-line behaviour of the inspectors', () => {
  const udp = root + 'fixtures/cli/udp-packet.pcap';

  it('-G fields needs no capture and lists P and F lines', async () => {
    const r = await runCli(['-G', 'fields']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('P\tFrame\tframe');
    expect(lines).toContain('F\tTime to Live\tip.ttl\tFT_UINT8\tip\tBASE_DEC\t0x0\tTime to Live: hops left before a router drops the datagram');
  });

  it("-G fields: every line is tshark's line for the same name (fixtures/wireshark/fields.tsv), bar the blurb", async () => {
    const tshark = new Map<string, string[][]>();
    for (const line of readFileSync(root + 'fixtures/wireshark/fields.tsv', 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const c = line.split('\t');
      tshark.set(c[2]!, [...(tshark.get(c[2]!) ?? []), c]);
    }
    const lines = (await runCli(['-G', 'fields'])).stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(500);
    const wrong: string[] = [];
    for (const l of lines) {
      const c = l.split('\t');
      // P: kind, name, filter name; F: kind, name, filter name, type, parent protocol, base, bitmask (then our blurb)
      const n = c[0] === 'P' ? 3 : 7;
      expect(c.length, l).toBe(c[0] === 'P' ? 3 : 8);
      const theirs = tshark.get(c[2]!) ?? [];
      if (!theirs.some((t) => t.slice(0, n).join('\t') === c.slice(0, n).join('\t'))) wrong.push(`${c.slice(0, n).join(' | ')}  tshark: ${theirs.map((t) => t.slice(0, n).join(' | ')).join(' / ') || 'none'}`);
    }
    expect(wrong).toEqual([]);
  });

  it("-G protocols: every line is tshark's line for the same filter name (fixtures/cli/tshark-protocols.tsv: all of tshark's)", async () => {
    const tshark = readFileSync(root + 'fixtures/cli/tshark-protocols.tsv', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const ours = (await runCli(['-G', 'protocols'])).stdout.trimEnd().split('\n');
    expect(ours.length).toBeGreaterThanOrEqual(20);
    const byName = new Map(tshark.map((l) => [l.split('\t')[2], l]));
    for (const l of ours) expect(l).toBe(byName.get(l.split('\t')[2]));
  });

  it('-G alone is -G fields; -G protocols lists name, short name, filter name', async () => {
    expect((await runCli(['-G'])).stdout).toBe((await runCli(['-G', 'fields'])).stdout);
    const r = await runCli(['-G', 'protocols']);
    expect(r.stdout.split('\n')).toContain('User Datagram Protocol\tUDP\tudp');
  });

  it('-G with an unknown report is a usage error', async () => {
    const r = await runCli(['-G', 'nonsense']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown report');
  });

  it('-T json on zero packets prints []', async () => {
    const r = await runCli(['-r', udp, '-T', 'json', '-c', '0']);
    expect(r.stdout).toBe('[]\n');
  });

  it('--color=never never colours, --color=always always does, auto does not on a pipe', async () => {
    expect((await runCli(['-r', udp, '-c', '1', '--explain', '--color=never'])).stdout).not.toContain('\u001b[');
    expect((await runCli(['-r', udp, '-c', '1', '--explain', '--color=always'])).stdout).toContain('\u001b[');
    expect((await runCli(['-r', udp, '-c', '1', '--explain'])).stdout).not.toContain('\u001b[');
  });

  it('--color rejects other values', async () => {
    const r = await runCli(['-r', udp, '--explain', '--color=sometimes']);
    expect(r.code).toBe(1);
  });

  it('-V prints no summary line and ends each packet with a blank line', async () => {
    const r = await runCli(['-r', udp, '-V', '-c', '2']);
    expect(r.stdout.startsWith('Frame 1: 48 bytes on wire')).toBe(true);
    expect(r.stdout).toContain('\n\nFrame 2: ');
    expect(r.stdout).not.toMatch(/^\s+1\s+0\.000000/m);
    expect(r.stdout.endsWith('\n\n')).toBe(true);
  });
});

describe('--help', () => {
  const program = buildProgram();
  const options = program.createHelp().visibleOptions(program);

  it('lists every option the command declares, each with an example that uses it', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(options.length).toBeGreaterThanOrEqual(24);
    expect(options.some((o) => o.long === '--help')).toBe(true);
    for (const o of options) {
      expect(help, o.flags).toContain(o.flags);
      const example = o.description.split(' e.g. ')[1];
      expect(example, `${o.flags}: no example`).toBeDefined();
      expect([o.short, o.long].some((f) => f !== undefined && example!.split(/[\s=]/).includes(f)), `${o.flags}: the example does not use it (${example})`).toBe(true);
      expect(help, o.flags).toContain(o.description.replace(/\s+/g, ' '));
    }
    expect(help).toContain('Exit status: 0 ok; 1 bad arguments; 2 file cannot be read');
  });

  it('every option the code reads is declared (so --help lists it)', () => {
    const source = readFileSync(root + 'src/cli/main.ts', 'utf8');
    const read = new Set([...source.matchAll(/\bopts\.(\w+)/g)].map((m) => m[1]!));
    expect(read.size).toBeGreaterThanOrEqual(20);
    const declared = new Set(options.map((o) => o.attributeName()));
    for (const name of read) expect(declared.has(name), `opts.${name}`).toBe(true);
  });

  it('every example in --help runs (on the bundled capture) without a usage error', async () => {
    for (const o of options) {
      if (o.long === '--help' || o.long === '--read-file' || o.long === '--write' || o.long === '--rebuild' || o.long === '--write-format' || o.long === '--print') continue;
      const example = o.description.split(' e.g. ')[1]!;
      // the example's words, with "quoted parts" kept together as the shell would
      const words = [...example.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).filter((w) => w !== 'wirelens');
      const args = o.long === '--glossary' ? words : ['-r', root + 'fixtures/start.pcapng', ...words.filter((w) => w !== '-r' && !w.endsWith('.pcap') && !w.endsWith('.pcapng'))];
      const r = await runCli(args.includes('-T') && args.includes('fields') && !args.includes('-e') ? [...args, '-e', 'frame.number'] : args);
      expect(r.code, `${example}: ${r.stderr}`).toBe(0);
    }
  });
});

describe('progress of a long run (-q with -z or -w) on a terminal', () => {
  /** A pcap of `n` minimal Ethernet frames (14 bytes, an unknown EtherType: the cheapest frame to dissect). */
  function bigCapture(n: number): string {
    const rec = 16 + 14;
    const b = Buffer.alloc(24 + n * rec);
    b.writeUInt32LE(0xa1b2c3d4, 0);
    b.writeUInt16LE(2, 4);
    b.writeUInt16LE(4, 6);
    b.writeUInt32LE(65535, 16);
    b.writeUInt32LE(1, 20);
    for (let i = 0; i < n; i++) {
      const at = 24 + i * rec;
      b.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), at);
      b.writeUInt32LE((i % 1000) * 1000, at + 4);
      b.writeUInt32LE(14, at + 8);
      b.writeUInt32LE(14, at + 12);
      b.writeUInt16BE(0x88b5, at + 16 + 12); // IEEE local experimental EtherType
    }
    const path = join(tmp, `big-${n}.pcap`);
    writeFileSync(path, b);
    return path;
  }

  async function withStderrTTY<T>(tty: boolean, f: () => Promise<T>): Promise<T> {
    const had = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: tty, configurable: true });
    try {
      return await f();
    } finally {
      if (had) Object.defineProperty(process.stderr, 'isTTY', had);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    }
  }

  const big = bigCapture(100_000);

  it('counts packets on stderr every 100,000 and erases the counter before the statistics', async () => {
    const r = await withStderrTTY(true, () => runCli(['-r', big, '-q', '-z', 'io,phs']));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('\r100000 packets\r\u001b[K');
    expect(r.stdout).toMatch(/^eth +frames:100000 bytes:1400000$/m);
  });

  it('says nothing when stderr is not a terminal', async () => {
    const r = await withStderrTTY(false, () => runCli(['-r', big, '-q', '-z', 'io,phs']));
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^eth +frames:100000 bytes:1400000$/m);
  });
});

describe('fixtures/cli/expected', () => {
  it('holds only files some TESTLIST case reads', () => {
    const used = new Set<string>();
    for (const c of cases) {
      used.add(c.expected);
      if (c.status !== 0) used.add(stderrFile(c.expected));
    }
    const files = readdirSync(root + 'fixtures/cli/expected');
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });
});
