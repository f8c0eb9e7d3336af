import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

// wirelens's default output (one summary line per packet) against tshark 4.0.17's for every well-formed fixture
// capture (fixtures/summary/, made with `tshark -n -r`). Prints the agreement figure; asserts a floor under it.
const root = new URL('../..', import.meta.url).pathname;
const files = readFileSync(`${root}fixtures/summary/FILES.txt`, 'utf8').split('\n').filter(Boolean);

async function ours(file: string): Promise<string[]> {
  let out = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await main(['-r', `${root}${file}`]);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  return out.split('\n').filter((l) => l.length > 0);
}

describe('summary lines equal to tshark\'s', () => {
  it('over every well-formed fixture capture', async () => {
    let lines = 0;
    let equal = 0;
    const byProto = new Map<string, number>();
    for (const f of files) {
      const theirs = readFileSync(`${root}fixtures/summary/${f.replace('fixtures/', '').replaceAll('/', '__')}.txt`, 'utf8').split('\n').filter((l) => l.length > 0);
      const mine = await ours(f);
      expect(mine.length, f).toBe(theirs.length);
      theirs.forEach((t, i) => {
        lines++;
        if (mine[i] === t) equal++;
        else {
          const proto = t.replace(/^\s*\d+\s+\S+\s+.*? → \S*\s+/, '').split(' ')[0] ?? '?';
          byProto.set(proto, (byProto.get(proto) ?? 0) + 1);
        }
      });
    }
    const top = [...byProto].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([p, n]) => `${p} ${n}`).join(', ');
    console.log(`summary lines equal to tshark's: ${equal} of ${lines} (${((100 * equal) / lines).toFixed(1)}%) over ${files.length} fixture captures; differing lines by tshark's Protocol column: ${top}`);
    expect(lines).toBeGreaterThan(1000);
    expect(equal / lines).toBeGreaterThan(FLOOR);
  });
});

// 67.0% when this test was written; 86.3% (1,186 of 1,375) with ICMP/ICMPv6 echo matching, BOOTP naming, tshark's
// exception markers, its Source/Destination columns and time column, RARP names and TCP sequence analysis. Most of the
// rest are application protocols wirelens does not decode (SMTP, IGMP, NBNS, DHCPv6, TLS, HTTP...).
const FLOOR = 0.86;
