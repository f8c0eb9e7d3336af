import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync, readdirSync, symlinkSync, linkSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcap } from '../../src/capture/writer.js';
import { EXIT } from '../../src/cli/main.js';
import { runInProcess } from './in-process.js';
import { readCaptureFile } from '../../src/capture/reader.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wirelens-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runInProcess;

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

  it('refuses to overwrite its input under another name: ./ and ../ paths, a symbolic link, a hard link', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub, { recursive: true });
    const copy = join(sub, 'in.pcapng');
    copyFileSync(join(root, 'fixtures/start.pcapng'), copy);
    const before = readFileSync(copy);
    symlinkSync(copy, join(dir, 'link.pcapng'));
    linkSync(copy, join(dir, 'hard.pcapng'));
    for (const out of [join(sub, '.', 'in.pcapng'), join(sub, '..', 'sub', 'in.pcapng'), join(dir, 'link.pcapng'), join(dir, 'hard.pcapng')]) {
      const r = await run(['-r', copy, '-w', out]);
      expect([out, r.code]).toEqual([out, EXIT.usage]);
      expect(r.err).toMatch(/refusing to overwrite the input/);
    }
    // and the other way round: reading through the link, writing to the file itself
    const r = await run(['-r', join(dir, 'link.pcapng'), '-w', copy]);
    expect(r.code).toBe(EXIT.usage);
    expect(readFileSync(copy)).toEqual(before);
    expect(readdirSync(sub)).toEqual(['in.pcapng']);
  });

  it('cannot create the file (no such directory): an error, exit 1, nothing written', async () => {
    const out = join(dir, 'no-such-dir', 'out.pcap');
    const r = await run(['-r', join(root, 'fixtures/start.pcapng'), '-w', out]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/cannot write ".*out\.pcap"/);
    expect(existsSync(out)).toBe(false);
  });

  it('a temporary file name already taken is never written through (a planted symbolic link stays as it was)', async () => {
    // the temporary name is random: plant links for many pids' worth of names is impossible; check the exclusive
    // creation instead, with the name the sink would pick made to collide
    const target = join(dir, 'planted.pcap');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    const random = Math.random;
    Math.random = () => 0.5;
    try {
      const name = `.planted.pcap.${process.pid}.${(0.5).toString(36).slice(2, 8)}.wirelens.tmp`;
      symlinkSync(victim, join(dir, name));
      const r = await run(['-r', join(root, 'fixtures/start.pcapng'), '-w', target]);
      expect(r.code).toBe(EXIT.usage);
      expect(r.err).toMatch(/cannot write/);
      expect(readFileSync(victim, 'utf8')).toBe('keep me');
      expect(existsSync(target)).toBe(false);
      rmSync(join(dir, name));
    } finally {
      Math.random = random;
    }
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

describe('-w interrupted (the command as a separate process)', () => {
  let cli = '';
  beforeAll(async () => {
    // bin/wirelens.js as shipped, its dist/ import pointed at the sources (rolldown comes with vitest's vite)
    const bundle = await rolldown({ input: join(root, 'bin/wirelens.js'), platform: 'node', resolve: { alias: { '../dist/cli/main.js': join(root, 'src/cli/main.ts') } }, logLevel: 'silent' });
    cli = join(dir, 'wirelens.mjs');
    await bundle.write({ file: cli, format: 'esm' });
    await bundle.close();
  }, 120_000);

  /** A 2 MB capture: more than one write of the sink's 1 MiB buffer. */
  const big = (): Uint8Array => writePcap({ linkType: 1 }, Array.from({ length: 2000 }, (_, i) => ({ tsSec: i, tsNsec: 0, data: new Uint8Array(1000).fill(i & 0xff) })));

  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('killed by a signal while packets are coming (SIGTERM, SIGINT): the old file stays, no temporary remains', async () => {
    const out = join(dir, 'signalled.pcap');
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      writeFileSync(out, 'old contents');
      const bytes = big();
      const child = spawn(process.execPath, [cli, '-r', '-', '-w', out], { stdio: ['pipe', 'ignore', 'pipe'] });
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('exit', (code, sig) => r([code, sig])));
      // half the capture, then the stream stays open: the command is mid-way, its temporary file written to
      child.stdin.write(bytes.subarray(0, bytes.length >> 1));
      for (let i = 0; i < 500 && !readdirSync(dir).some((f) => f.startsWith('.signalled.pcap.') && f.endsWith('.tmp')); i++) await wait(20);
      expect(readdirSync(dir).some((f) => f.startsWith('.signalled.pcap.'))).toBe(true);
      await wait(100);
      child.kill(signal);
      const [code, sig] = await exited;
      expect([signal, code ?? sig]).toEqual([signal, signal === 'SIGTERM' ? 143 : 130]);
      expect(readFileSync(out, 'utf8')).toBe('old contents');
      expect(readdirSync(dir).filter((f) => f.startsWith('.signalled.pcap.'))).toEqual([]);
      child.stdin.destroy();
    }
  }, 120_000);

  it('a write that fails mid-way (file size limit, SIGXFSZ): the old file stays under the target name', async () => {
    const input = join(dir, 'big.pcap');
    writeFileSync(input, big());
    const out = join(dir, 'limited.pcap');
    writeFileSync(out, 'old contents');
    // ulimit -f 256: at most 128 KiB (512-byte blocks) per file; the first 1 MiB write goes over
    const child = spawn('/bin/sh', ['-c', `ulimit -f 256; exec "${process.execPath}" "${cli}" -r "${input}" -w "${out}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('exit', (c, s) => r([c, s])));
    expect(code === 0 && sig === null).toBe(false);
    expect(readFileSync(out, 'utf8')).toBe('old contents');
    // SIGXFSZ cannot be cleaned up after (like SIGKILL): a temporary may remain, never under the target name
    for (const f of readdirSync(dir).filter((x) => x.startsWith('.limited.pcap.'))) {
      expect(f).toMatch(/^\.limited\.pcap\.\d+\.[0-9a-z]+\.wirelens\.tmp$/);
      rmSync(join(dir, f));
    }
  }, 120_000);

  it('completes: the whole file appears under the target name at once', async () => {
    const input = join(dir, 'big2.pcap');
    const bytes = big();
    writeFileSync(input, bytes);
    const out = join(dir, 'complete.pcap');
    const child = spawn(process.execPath, [cli, '-r', input, '-w', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    // while it runs, the target name holds nothing or the whole file, never a part
    let partial = 0;
    const done = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      try {
        if (statSync(out).size !== bytes.length) partial++;
      } catch {
        // not there yet
      }
      await wait(10);
    }
    expect(await done).toBe(0);
    expect(partial).toBe(0);
    // (Buffer.equals: a deep toEqual over 2 MB takes a minute)
    expect(readFileSync(out).equals(bytes)).toBe(true);
  }, 120_000);
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
