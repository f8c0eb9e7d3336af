/**
 * The TESTLIST format (test/cli/TESTLIST; its header states the rules, fixtures/cli/make-expected.sh parses the
 * same way): one test a line, words split on blanks, `'...'` quoting a part that holds blanks.
 */

export interface Case {
  name: string;
  source: 'tshark' | 'reviewed';
  /** wirelens's expected exit status (0 unless `source:STATUS`). */
  status: number;
  /** Relative to fixtures/, or undefined for `-` (a command that reads no capture). */
  capture: string | undefined;
  /** Relative to fixtures/cli/expected/. */
  expected: string;
  /** Environment variables set for the run (leading NAME=VALUE arguments). */
  env: Record<string, string>;
  args: string[];
}

/**
 * Split a line into words: blanks (space, tab) separate words; a `'` opens a quoted part that ends at the next `'`,
 * inside which every character stands for itself; quoted and unquoted parts next to each other make one word; `''`
 * is an empty word. Outside quotes every other character (`"`, `\`, `$`...) is literal. An unclosed quote throws.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (const c of line) {
    if (quoted) {
      if (c === "'") quoted = false;
      else word += c;
    } else if (c === "'") {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quoted) throw new Error(`unclosed quote in TESTLIST line: ${line}`);
  if (inWord) words.push(word);
  return words;
}

const ENV = /^[A-Z_][A-Z0-9_]*=/;

export function parseTestlist(text: string): Case[] {
  const out: Case[] = [];
  for (const raw of text.split('\n')) {
    if (/^\s*(#|$)/.test(raw)) continue;
    const [name, sourceWord, capture, expected, ...rest] = splitWords(raw);
    const m = /^(tshark|reviewed)(?::(\d+))?$/.exec(sourceWord ?? '');
    if (!name || !m || !capture || !expected) throw new Error(`bad TESTLIST line: ${raw}`);
    const env: Record<string, string> = {};
    let i = 0;
    for (; i < rest.length && ENV.test(rest[i]!); i++) {
      const w = rest[i]!;
      env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1);
    }
    out.push({
      name,
      source: m[1] as 'tshark' | 'reviewed',
      status: m[2] !== undefined ? Number(m[2]) : 0,
      capture: capture === '-' ? undefined : capture,
      expected,
      env,
      args: rest.slice(i),
    });
  }
  return out;
}

/** The file that holds the expected standard error of a case with a non-zero status: NAME.out -> NAME.err. */
export function stderrFile(expected: string): string {
  return expected.replace(/(\.out)?$/, '.err');
}
