/** Shared helpers for the capture tests (fixtures live in fixtures/capture, goldens in fixtures/golden). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = join(ROOT, 'fixtures/capture');
export const GOLDEN = join(ROOT, 'fixtures/golden');

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** Fixture paths relative to fixtures/capture. */
export const FIXTURE_FILES: string[] = [...walk(FIXTURES)].map((p) => relative(FIXTURES, p));

export function fixture(rel: string): Uint8Array {
  const b = readFileSync(join(FIXTURES, rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function isMalformed(rel: string): boolean {
  return rel.startsWith('malformed/');
}

export const FRAME_COLUMNS = ['frame.number', 'frame.len', 'frame.cap_len', 'frame.time_epoch', 'frame.interface_id'];

/** The frame.* columns of a golden, one tab-joined string per frame; null when tshark could not open the file. */
export function goldenFrames(rel: string): string[] | null {
  const text = readFileSync(join(GOLDEN, rel + '.tsv'), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return null;
  const head = lines[0]!.split('\t');
  const idx = FRAME_COLUMNS.map((c) => head.indexOf(c));
  if (idx.includes(-1)) throw new Error(`golden ${rel} lacks a frame column`);
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    return idx.map((i) => cells[i] ?? '').join('\t');
  });
}

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
