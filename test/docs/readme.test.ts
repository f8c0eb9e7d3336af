import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```js block of the README is a runnable example: it is executed here and must not throw.
const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = join(root, 'test', '.readme-examples');

describe('README examples', () => {
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const file = join(dir, `example-${i + 1}.mjs`);
      writeFileSync(file, code);
      const logs: string[] = [];
      const orig = console.log;
      console.log = (...a: unknown[]) => void logs.push(a.map(String).join(' '));
      try {
        await import(/* @vite-ignore */ file);
      } finally {
        console.log = orig;
      }
      // What the example must print: `console.log(x); // value` comments, or else the `// value` lines that end
      // the block (for a console.log inside a loop).
      let expected = [...code.matchAll(/console\.log\([^\n]*\);\s*\/\/\s*(.+)$/gm)].map((m) => m[1]!.trim());
      if (expected.length === 0) {
        const lines = code.trimEnd().split('\n');
        const tail: string[] = [];
        while (lines.length && /^\/\/ /.test(lines[lines.length - 1]!)) tail.unshift(lines.pop()!.slice(3).trim());
        expected = tail;
      }
      expect(logs).toEqual(expected);
    });
  });
});
