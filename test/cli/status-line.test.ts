import { describe, expect, it } from 'vitest';
import { activityTracker, liveProgress, plainProgress } from '../../src/cli/foreground/status-line.js';

describe('loop progress output', () => {
  it('off a terminal: plain lines, no status line', () => {
    let out = '';
    const progress = plainProgress((text) => (out += text));
    progress.activity('[cycle 1/2] implement');
    progress.line('a line');
    progress.close();
    expect(out).toBe('a line\n');
  });

  it('on a terminal: a clock on each line, the status line cleared before a line and redrawn after it, gone at the end', () => {
    let out = '';
    let at = new Date(2026, 0, 2, 3, 4, 5).getTime();
    const progress = liveProgress({ write: (text) => (out += text), color: false, columns: () => 80, now: () => new Date(at) });
    progress.activity('[cycle 1/2] implement: command (sonnet/high)');
    at += 2_500;
    progress.line('[cycle 1/2] tests passed');
    progress.close();
    expect(out.split('\r\u001b[2K')).toEqual([
      '',
      '▸ [cycle 1/2] implement: command (sonnet/high) · 0.0 s · total 0.0 s',
      '03:04:07 [cycle 1/2] tests passed\n',
      '▸ [cycle 1/2] implement: command (sonnet/high) · 2.5 s · total 2.5 s',
      '',
    ]);
  });

  it('cuts the status line to the terminal width', () => {
    let out = '';
    const progress = liveProgress({ write: (text) => (out += text), color: false, columns: () => 20, now: () => new Date(0) });
    progress.activity('x'.repeat(50));
    progress.close();
    expect(out.split('\r\u001b[2K')[1]).toBe(`▸ ${'x'.repeat(18)}…`);
  });

  it('tracks what runs now from the loop events', () => {
    const track = activityTracker();
    expect(track({ type: 'attempt.started', task: 'L-1', attempt: 1, mode: 'loop', maxCycles: 2, rung: 'default', resumed: false, step: 'implement' as never, cycle: 1 })).toBeUndefined();
    expect(track({ type: 'phase', phase: 'test', cycle: 1, maxCycles: 2 })).toBe('[cycle 1/2] tests');
    expect(track({ type: 'test.finished', cycle: 1, passed: true, exitCode: 0, durationMs: 1, log: 'x', reused: false })).toBeNull();
  });
});
