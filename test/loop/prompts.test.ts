import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DIFF_BYTES, MAX_PROMPT_FINDINGS } from '../../src/loop/index.js';
import type { AttemptTask, Finding } from '../../src/loop/index.js';
import { fixPrompt } from '../../src/loop/prompt/work.js';
import { loopFixture } from '../helpers/loop.js';

const BRIEF = `# T-1: Keep improving\n\n## Goal\n\nImprove src/feature.js a little every cycle.\n\n## Acceptance\n\n${'- Every change is small and tested.\n'.repeat(10)}`;

describe('bounded prompts (SPEC 6.6)', () => {
  it("a turn's prompt does not grow with the cycle: a reviewer that finds a new issue every cycle, 10 cycles", async () => {
    const files = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [String(index + 1), { 'src/feature.js': `export const version = ${String(index + 1).padStart(3, '0')};\n` }]));
    const f = await loopFixture({ brief: BRIEF, direction: 'Small steps.', task: { mode: 'forever', maxCycles: 10 }, scenario: { implementer: { action: 'edit', files }, reviewer: { action: 'approve-at', cycle: 11 } } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'cycle-cap', cycles: 10 });
    const bytes = (phase: string) => f.eventsOf('turn.started').filter((event) => event.phase === phase || (phase === 'work' && event.phase !== 'review')).map((event) => event.promptBytes);
    for (const phase of ['work', 'review']) {
      const sizes = bytes(phase);
      expect(sizes).toHaveLength(10);
      expect(sizes[9]!).toBeLessThanOrEqual(1.2 * sizes[1]!);
      expect(sizes[9]! - sizes[1]!).toBeLessThan(100);
    }
    // Only the open findings are carried: cycle 10's fix lists cycle 9's one finding, not the history.
    const last = await readFile(join(f.input.runDir, 'c10-fix.prompt.md'), 'utf8');
    expect(last).toContain('## Findings to fix (1)\n\n1. [high · confidence 0.9] SCRIPTED-AGENT.md:1 — Open item 9');
    expect(last).not.toContain('Open item 8');
  });

  it('cuts a diff past MAX_DIFF_BYTES with a note, and lists at most MAX_PROMPT_FINDINGS findings', () => {
    const task = { id: 'T-1', title: 't', attempt: 1, mode: 'loop', scope: { include: [], exclude: [] } } as unknown as AttemptTask;
    const line = `+${'x'.repeat(99)}\n`;
    const patch = `diff --git a/big b/big\n${line.repeat(Math.ceil((3 * MAX_DIFF_BYTES) / line.length))}`;
    const findings: Finding[] = Array.from({ length: MAX_PROMPT_FINDINGS + 5 }, (_, index) => ({ severity: 'low', title: `Finding ${index + 1}`, body: 'b'.repeat(5_000), file: 'a', lineStart: null, lineEnd: null, confidence: 1, recommendation: '', source: 'reviewer' }));
    const prompt = fixPrompt({ task, brief: 'brief', direction: '', testCommand: null, base: 'a'.repeat(40), diff: { stat: ' big | 1500 +\n', patch }, cycle: 2, maxCycles: 2, findings });
    expect(Buffer.byteLength(prompt)).toBeLessThan(MAX_DIFF_BYTES + MAX_PROMPT_FINDINGS * 2_200 + 4_000);
    expect(prompt).toContain(`[ccx: the diff is 144 KiB; only its first 48 KiB are shown. Read the files in the worktree, or run \`git diff aaaaaaaaaaaa HEAD\`, for the rest.]`);
    expect(prompt).toContain(`${MAX_PROMPT_FINDINGS}. [low · confidence 1] a — Finding ${MAX_PROMPT_FINDINGS}`);
    expect(prompt).not.toContain(`Finding ${MAX_PROMPT_FINDINGS + 1}\n`);
    expect(prompt).toContain('[ccx: 5 more findings are not shown; fix these first.]');
    expect(prompt).toContain('… [cut by ccx: 3000 more characters]');
  });
});
