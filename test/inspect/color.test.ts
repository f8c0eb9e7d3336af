import { describe, expect, it } from 'vitest';
import { ANSI, PLAIN, isColorMode, palette, stripAnsi, useColor } from '../../src/inspect/color.js';

describe('colour decision', () => {
  it('never and always ignore the terminal', () => {
    expect(useColor('never', { isTTY: true })).toBe(false);
    expect(useColor('always', { isTTY: false })).toBe(true);
  });

  it('always wins over NO_COLOR (the user asked for it explicitly)', () => {
    expect(useColor('always', { isTTY: false, noColor: '1' })).toBe(true);
  });

  it('auto colours a terminal only, and not when NO_COLOR is set and not empty, or TERM=dumb', () => {
    expect(useColor('auto', { isTTY: true })).toBe(true);
    expect(useColor('auto', { isTTY: false })).toBe(false);
    expect(useColor('auto', { isTTY: true, noColor: '1' })).toBe(false);
    expect(useColor('auto', { isTTY: true, noColor: '' })).toBe(true);
    expect(useColor('auto', { isTTY: true, term: 'dumb' })).toBe(false);
  });

  it('accepts exactly the three modes', () => {
    expect(['never', 'always', 'auto'].every(isColorMode)).toBe(true);
    expect(isColorMode('yes')).toBe(false);
  });

  it('the plain palette leaves text alone; the ANSI one wraps it and strips back to it', () => {
    expect(palette(false)).toBe(PLAIN);
    expect(palette(true)).toBe(ANSI);
    expect(PLAIN.layer(3, 'ip')).toBe('ip');
    const c = ANSI.layer(1, 'ip');
    expect(c).not.toBe('ip');
    expect(c.startsWith('\u001b[')).toBe(true);
    expect(stripAnsi(c)).toBe('ip');
    expect(stripAnsi(ANSI.problem('x') + ANSI.dim('y') + ANSI.bold('z'))).toBe('xyz');
    expect(ANSI.layer(0, 'a')).not.toBe(ANSI.layer(1, 'a'));
    expect(ANSI.layer(0, '')).toBe('');
  });
});
