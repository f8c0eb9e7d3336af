import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS engine shared with scripts/fuzz.mjs
import { FUZZ_STATS, fuzz, inputBytes, mutate, replay, rng } from '../../scripts/fuzz-engine.mjs';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { frameTree, walk } from '../../src/inspect/tree.js';
import { fieldText } from '../../src/fields/format.js';
import { summaryColumns, summaryLine } from '../../src/inspect/summary.js';
import { explainFrame } from '../../src/inspect/explain.js';
import { frameDetail } from '../../src/inspect/text.js';
import { frameHexDump } from '../../src/inspect/hexdump.js';
import { packetJson } from '../../src/inspect/json.js';
import { rebuild } from '../../src/craft/build.js';
import { createStat, statsContext } from '../../src/inspect/stats/index.js';

const root = new URL('../..', import.meta.url).pathname;
const mods = { Dissector, registerDefaults, frameTree, walk, fieldText, summaryColumns, summaryLine, explainFrame, frameDetail, frameHexDump, packetJson, rebuild, createStat, statsContext };

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}
const seeds: { data: Uint8Array; linkType: number }[] = [];
for (const f of files(join(root, 'fixtures'))) {
  if (/\.(tsv|md|json|txt|pdml|out)$/.test(f)) continue;
  try {
    for (const r of readCapture(new Uint8Array(readFileSync(f)))) seeds.push({ data: r.data.slice(), linkType: r.linkType });
  } catch {
    // not a capture
  }
}

describe('fuzzing (short seeded CI pass; npm run fuzz runs 1,000,000 frames)', () => {
  it('has real packets to mutate', () => {
    expect(seeds.length).toBeGreaterThan(100);
  });

  it('the engine is repeatable: the same seed gives the same mutations', () => {
    const a = rng(42);
    const b = rng(42);
    const s = seeds[0]!.data;
    for (let i = 0; i < 50; i++) expect(mutate(s, a)).toEqual(mutate(s, b));
  });

  for (const seed of [1, 2]) {
    it(`seed ${seed}: 6,000 frames through dissect and every inspector, no exception, ranges inside`, { timeout: 600_000 }, () => {
      const res = fuzz(mods, seeds, { seed, count: 6000, frameMs: 1000 });
      expect(res.failures.map((f: { error: string }) => f.error.split('\n')[0])).toEqual([]);
      expect(res.frames).toBe(6000);
      expect(res.problems).toBeGreaterThan(0);
    });
  }

  it('every -z statistic is fed and drawn', () => {
    const res = fuzz(mods, seeds, { seed: 3, count: 300 });
    expect(FUZZ_STATS).toContain('expert');
    expect(res.failures).toEqual([]);
    expect(res.statLines).toBeGreaterThan(FUZZ_STATS.length);
  });

  it('a failure is reported with its input (the engine catches what an inspector throws)', () => {
    const broken = { ...mods, explainFrame: () => { throw new Error('boom'); } };
    const res = fuzz(broken, seeds, { seed: 1, count: 3 });
    expect(res.failures).toHaveLength(3);
    expect(res.failures[0].error).toContain('boom');
    expect(replay(broken, [{ linkType: 1, data: res.failures[0].data }]).failures).toHaveLength(1);
  });

  const saved = files(join(root, 'fixtures', 'fuzz')).filter((f) => f.endsWith('.json'));
  it('has saved inputs to replay (fixtures/fuzz)', () => {
    expect(saved.length).toBeGreaterThan(0);
  });

  // (the saved inputs include 64 KiB frames of up to 63,000 field nodes: a few seconds each)
  it('replays every saved failing input (fixtures/fuzz) exactly, then mutated, without failure', { timeout: 600_000 }, () => {
    for (const f of saved) {
      const j = JSON.parse(readFileSync(f, 'utf8')) as { linkType: number; origLen: number; fcsLen?: number; hex?: string; data?: number[] };
      expect(replay(mods, [j]).failures.map((x: { error: string }) => `${f}: ${x.error.split('\n')[0]}`)).toEqual([]);
      const data = inputBytes(j);
      if (data.length > 4096) continue; // large frames: the exact replay is the regression check (seconds each)
      const res = fuzz(mods, [{ data, linkType: j.linkType }], { seed: 1, count: 10 });
      expect(res.failures.map((x: { error: string }) => `${f}: ${x.error.split('\n')[0]}`)).toEqual([]);
    }
  });
});
