/**
 * The library core runs in a browser: everything reachable from the package's main entry (src/index.ts) imports no
 * Node built-in module and uses no Node-only global (Buffer, process, require, __dirname). Node-specific code lives
 * in src/capture/node.ts (the `wirelens/node` entry) and src/cli only.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Source without comments and string contents, so that words in them do not count as uses. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

function imports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const spec of imports(text)) {
      if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  return seen;
}

describe('platform-neutral core', () => {
  const graph = reachable(join(SRC, 'index.ts'));

  it('the main entry reaches the whole core (capture, protocols, dissect, craft, inspect, filter)', () => {
    const dirs = new Set([...graph.keys()].map((f) => relative(SRC, f).split('/')[0]));
    for (const d of ['core', 'fields', 'capture', 'protocols', 'dissect', 'craft', 'inspect', 'filter']) expect(dirs).toContain(d);
    expect(graph.size).toBeGreaterThan(50);
  });

  it('imports no Node built-in and no package outside the repository', () => {
    const bad: string[] = [];
    for (const [file, text] of graph) {
      for (const spec of imports(text)) if (!spec.startsWith('.')) bad.push(`${relative(SRC, file)}: ${spec}${BUILTINS.has(spec) ? ' (Node built-in)' : ''}`);
    }
    expect(bad).toEqual([]);
  });

  it('uses no Node-only global', () => {
    const bad: string[] = [];
    for (const [file, text] of graph) {
      const c = code(text);
      for (const g of ['Buffer', 'process', 'require', '__dirname', '__filename', 'global', 'setImmediate']) {
        if (new RegExp(`(?<![\\w.$])${g}(?![\\w$])`).test(c)) bad.push(`${relative(SRC, file)}: ${g}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the Node-specific files are not reachable from the main entry', () => {
    const files = [...graph.keys()].map((f) => relative(SRC, f));
    expect(files).not.toContain('capture/node.ts');
    expect(files.filter((f) => f.startsWith('cli/'))).toEqual([]);
  });

  it('the checker notices a Node import and a Node global (it can fail)', () => {
    const text = "import { readFileSync } from 'node:fs';\nconst b = Buffer.from('x'); // Buffer in a comment\n";
    expect(imports(text)).toEqual(['node:fs']);
    expect(/(?<![\w.$])Buffer(?![\w$])/.test(code(text))).toBe(true);
    expect(/(?<![\w.$])process(?![\w$])/.test(code("const s = 'process'; // process\n"))).toBe(false);
  });
});
