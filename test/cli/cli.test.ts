/**
 * CLI golden tests driven by test/cli/TESTLIST (tcpdump's tests/TESTLIST style): run the command in-process on a
 * fixture capture and compare its standard output byte for byte with fixtures/cli/expected/<file>.
 * `tshark` entries were produced by tshark 4.0.17 itself (fixtures/cli/make-expected.sh); `reviewed` entries are
 * wirelens's teaching views, checked by hand. WIRELENS_UPDATE=1 rewrites the `reviewed` files (never the tshark ones).
 */
process.env.TZ = 'UTC';
delete process.env.NO_COLOR;

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Case {
  name: string;
  source: 'tshark' | 'reviewed';
  capture: string;
  expected: string;
  args: string[];
}

function parseTestlist(text: string): Case[] {
  const out: Case[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [name, source, capture, expected, ...args] = line.split(/\s+/);
    if (!name || (source !== 'tshark' && source !== 'reviewed') || !capture || !expected) throw new Error(`bad TESTLIST line: ${raw}`);
    out.push({ name, source, capture, expected, args });
  }
  return out;
}

/** Run the command with `argv`, returning what it wrote to stdout and its exit code. */
export async function runCli(argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
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
  try {
    const code = await main(argv);
    return { stdout, stderr, code };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

const cases = parseTestlist(readFileSync(root + 'test/cli/TESTLIST', 'utf8'));
const update = process.env['WIRELENS_UPDATE'] === '1';

afterEach(() => vi.restoreAllMocks());

describe('TESTLIST', () => {
  it('has both tshark-checked and reviewed cases', () => {
    expect(cases.filter((c) => c.source === 'tshark').length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.source === 'reviewed').length).toBeGreaterThanOrEqual(3);
  });

  for (const c of cases) {
    it(`${c.name}: wirelens ${c.args.join(' ')} ${c.capture}`, async () => {
      const r = await runCli(['-r', root + 'fixtures/' + c.capture, ...c.args]);
      expect(r.code).toBe(0);
      const path = root + 'fixtures/cli/expected/' + c.expected;
      if (update && c.source === 'reviewed') writeFileSync(path, r.stdout);
      const want = readFileSync(path, 'utf8');
      expect(want.length).toBeGreaterThan(0);
      expect(r.stdout).toBe(want);
    });
  }
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
