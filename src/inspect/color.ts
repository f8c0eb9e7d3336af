/**
 * Colour for the teaching views: ANSI escapes only on a terminal. `--color=never|always|auto` (auto: a TTY, no
 * NO_COLOR, TERM not `dumb`). NO_COLOR (https://no-color.org: set and not empty) turns colour off in `auto`;
 * an explicit `--color=always` wins, as that convention allows. Platform-neutral: the caller passes the facts.
 */

export type ColorMode = 'never' | 'always' | 'auto';

export const COLOR_MODES: readonly ColorMode[] = ['never', 'always', 'auto'];

export function isColorMode(s: string): s is ColorMode {
  return (COLOR_MODES as readonly string[]).includes(s);
}

export interface ColorEnv {
  /** Is the output a terminal? */
  readonly isTTY: boolean;
  /** The NO_COLOR environment variable. */
  readonly noColor?: string | undefined;
  /** The TERM environment variable. */
  readonly term?: string | undefined;
}

/** Whether to colour the output. */
export function useColor(mode: ColorMode, env: ColorEnv): boolean {
  if (mode === 'never') return false;
  if (mode === 'always') return true;
  if (env.noColor !== undefined && env.noColor !== '') return false;
  if (env.term === 'dumb') return false;
  return env.isTTY;
}

/** How the teaching views mark things: with colour, or in plain text (where brackets and markers do the work). */
export interface Palette {
  readonly color: boolean;
  /** Text of layer `i` (cycling through distinct colours). */
  layer(i: number, s: string): string;
  /** Bytes or lines with a problem. */
  problem(s: string): string;
  /** Secondary text (descriptions, offsets). */
  dim(s: string): string;
  /** Headings. */
  bold(s: string): string;
}

const ESC = '\u001b[';
const RESET = ESC + '0m';
/** Foreground colours for layers: cyan, yellow, green, magenta, blue, red-ish (bright variants). */
const LAYER_COLORS = ['36', '33', '32', '35', '34', '96', '93', '92', '95', '94'];

export const ANSI: Palette = {
  color: true,
  layer: (i, s) => (s ? `${ESC}${LAYER_COLORS[((i % LAYER_COLORS.length) + LAYER_COLORS.length) % LAYER_COLORS.length]}m${s}${RESET}` : s),
  problem: (s) => (s ? `${ESC}1;37;41m${s}${RESET}` : s),
  dim: (s) => (s ? `${ESC}2m${s}${RESET}` : s),
  bold: (s) => (s ? `${ESC}1m${s}${RESET}` : s),
};

export const PLAIN: Palette = {
  color: false,
  layer: (_i, s) => s,
  problem: (s) => s,
  dim: (s) => s,
  bold: (s) => s,
};

export function palette(color: boolean): Palette {
  return color ? ANSI : PLAIN;
}

/** Remove ANSI escapes (for measuring and for tests). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
