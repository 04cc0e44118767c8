import { describe, expect, it } from 'vitest';
import { colorEnabled, painter } from '../../src/text/color.js';

describe('colorEnabled: one rule for NO_COLOR, FORCE_COLOR, a terminal and TERM', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: 'dumb' }, true, false],
    [{ TERM: 'xterm-256color' }, true, true],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, false, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '2' }, false, true],
    [{ FORCE_COLOR: '3' }, false, true],
    [{ FORCE_COLOR: 'true' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '1', TERM: 'dumb' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ FORCE_COLOR: 'banana' }, true, true],
    [{ FORCE_COLOR: 'banana' }, false, false],
  ] as Array<[NodeJS.ProcessEnv, boolean, boolean]>)('%j on a terminal: %s → colour %s', (env, tty, expected) => {
    expect(colorEnabled(env, tty)).toBe(expected);
  });
});

describe('painter', () => {
  it('wraps in one SGR code only when enabled', () => {
    expect(painter(true)('red', 'x')).toBe('\u001b[31mx\u001b[0m');
    expect(painter(false)('red', 'x')).toBe('x');
    expect(painter(true)(null, 'x')).toBe('x');
  });
});
