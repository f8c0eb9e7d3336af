import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, EXIT } from '../../src/cli/main.js';
import { readCaptureFile } from '../../src/capture/reader.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wirelens-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the command in-process with stdout and stderr captured. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

const captures = ['fixtures/start.pcapng', 'fixtures/capture/dpkt/dns_icmp.pcap', 'fixtures/capture/hadrielk-pcapng/output_be/difficult/test202.pcapng'].filter((f) => existsSync(join(root, f)));

describe('wirelens -w', () => {
  it('has captures to test with', () => expect(captures.length).toBeGreaterThanOrEqual(2));

  for (const cap of captures) {
    it(`--rebuild on ${cap} writes a file identical to the input`, async () => {
      const out = join(dir, 'rebuilt' + (cap.endsWith('.pcapng') ? '.pcapng' : '.pcap'));
      const r = await run(['-r', join(root, cap), '-w', out, '--rebuild']);
      expect(r.code).toBe(EXIT.ok);
      expect(new Uint8Array(readFileSync(out))).toEqual(new Uint8Array(readFileSync(join(root, cap))));
    });
  }

  it('writes only the packets that pass -Y, with their timestamps', async () => {
    const out = join(dir, 'dns.pcapng');
    const r = await run(['-r', join(root, 'fixtures/start.pcapng'), '-Y', 'dns', '-w', out]);
    expect(r.code).toBe(EXIT.ok);
    const all = readCaptureFile(new Uint8Array(readFileSync(join(root, 'fixtures/start.pcapng')))).records;
    const got = readCaptureFile(new Uint8Array(readFileSync(out)));
    expect(got.records.length).toBe(2);
    expect(got.records.map((x) => [x.tsSec, x.tsNsec, x.data.length])).toEqual([all[4]!, all[5]!].map((x) => [x.tsSec, x.tsNsec, x.data.length]));
    expect(got.problems).toEqual([]);
  });

  it('refuses to overwrite its input and leaves it untouched', async () => {
    const copy = join(dir, 'input.pcapng');
    copyFileSync(join(root, 'fixtures/start.pcapng'), copy);
    const before = readFileSync(copy);
    const r = await run(['-r', copy, '-w', copy]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/refusing to overwrite the input/);
    expect(readFileSync(copy)).toEqual(before);
  });

  it('never leaves a half-written file under the target name', async () => {
    const target = join(dir, 'never.pcap');
    writeFileSync(target, 'old contents');
    // a pcap file cannot hold a second link type: the write fails, the old file stays, no temporary remains
    const mixed = join(root, 'fixtures/capture/hadrielk-pcapng/output_le/difficult/test202.pcapng');
    if (existsSync(mixed)) {
      const r = await run(['-r', mixed, '-w', target, '-F', 'pcap', '-Y', 'frame']);
      if (r.code !== EXIT.ok) expect(readFileSync(target, 'utf8')).toBe('old contents');
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('exit codes and errors', () => {
  it('a bad display filter stops with tshark\'s message, a caret, and exit 4', async () => {
    const r = await run(['-r', join(root, 'fixtures/start.pcapng'), '-Y', 'ip.bogus == 1']);
    expect(r.code).toBe(EXIT.badFilter);
    expect(r.err).toContain('ip.bogus == 1\n    ^~~~~~~~');
  });
  it('a missing file is exit 2', async () => {
    const r = await run(['-r', join(dir, 'nope.pcap')]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toMatch(/no such file/);
  });
  it('a file that is not a capture names the bytes seen, exit 2', async () => {
    const f = join(dir, 'text.pcap');
    writeFileSync(f, 'hello world, not a capture');
    const r = await run(['-r', f]);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toMatch(/magic 0x68656c6c/);
  });
  it('a capture cut inside a record prints the complete records, then the truncation with its offset, exit 3', async () => {
    const bytes = readFileSync(join(root, 'fixtures/start.pcapng'));
    const f = join(dir, 'cut.pcapng');
    writeFileSync(f, bytes.subarray(0, 3000));
    const r = await run(['-r', f]);
    expect(r.code).toBe(EXIT.damaged);
    expect(r.out.trim().split('\n').length).toBeGreaterThan(3);
    expect(r.err).toMatch(/offset \d+/);
  });
  it('bad arguments are exit 1', async () => {
    expect((await run(['-r', join(root, 'fixtures/start.pcapng'), '-c', 'many'])).code).toBe(EXIT.usage);
    expect((await run(['-r', join(root, 'fixtures/start.pcapng'), '-o', 'no.such:TRUE'])).code).toBe(EXIT.usage);
    expect((await run(['-r', join(root, 'fixtures/start.pcapng'), '--rebuild'])).code).toBe(EXIT.usage);
  });
});
