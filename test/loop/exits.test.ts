import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runGit } from '../helpers/gitdir.js';
import { loopFixture } from '../helpers/loop.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('runAttempt: how reviews end an attempt', () => {
  it('approved: a real defect is found at its line, fixed, and approved; every artifact is written 0600', async () => {
    const f = await loopFixture({ scenario: 'defect-then-fix' });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', mergeable: true, cycles: 2, unresolved: [], testsPassing: null, outOfScope: [] });
    expect(result.message).toBe('The reviewer (command) approved in cycle 2 of 2.');
    expect(result.verdicts.map((verdict) => [verdict.cycle, verdict.verdict, verdict.counts.high, verdict.open])).toEqual([[1, 'needs-attention', 1, 1], [2, 'approve', 0, 0]]);
    // The fix is really on the branch, in turn commits named after the steps.
    const range = await import(`${pathToFileURL(join(f.input.worktree, 'src/range.js')).href}?approved`);
    expect(range.range(1, 3)).toEqual([1, 2, 3]);
    expect((await runGit(f.input.worktree, ['log', '--format=%s', `${f.input.base}..HEAD`])).trim().split('\n')).toEqual(['T-1 a1 c2 fix', 'T-1 a1 c1 implement']);
    expect(result.head).toBe((await runGit(f.input.worktree, ['rev-parse', 'HEAD'])).trim());
    // The fix prompt named the finding at its line.
    const fixPrompt = await readFile(join(f.input.runDir, 'c2-fix.prompt.md'), 'utf8');
    expect(fixPrompt).toContain('1. [high · confidence 0.95] src/range.js:4 — range() drops its last element');
    const names = (await readdir(f.input.runDir)).filter((name) => !name.startsWith('.')).sort();
    expect(names).toEqual([
      'attempt.json', 'c1-implement.out', 'c1-implement.prompt.md', 'c1-review.out', 'c1-review.prompt.md', 'c1-review.verdict.json',
      'c2-fix.out', 'c2-fix.prompt.md', 'c2-review.out', 'c2-review.prompt.md', 'c2-review.verdict.json', 'ledger.json',
    ]);
    for (const name of names) expect(await modeOf(join(f.input.runDir, name)), name).toBe(0o600);
    expect(await modeOf(f.input.runDir)).toBe(0o700);
    expect(JSON.parse(await readFile(join(f.input.runDir, 'c1-review.verdict.json'), 'utf8'))).toMatchObject({ verdict: 'needs-attention', open: [{ file: 'src/range.js', lineStart: 4 }], skipped: [] });
    // Ledger per attempt and per task; the handoff beside them.
    const ledger = JSON.parse(await readFile(join(f.input.runDir, 'ledger.json'), 'utf8'));
    expect(ledger.turns.map((turn: { phase: string; outcome: string }) => `${turn.phase}:${turn.outcome}`)).toEqual(['implement:ok', 'review:ok', 'fix:ok', 'review:ok']);
    expect(JSON.parse(await readFile(join(dirname(f.input.runDir), 'ledger.json'), 'utf8'))).toMatchObject({ task: 'T-1', attempts: [{ attempt: 1, turns: 4 }], totals: { turns: 4 } });
    expect(result.handoffPath).toBe(join(dirname(f.input.runDir), '.handoff.md'));
    const handoff = await readFile(result.handoffPath, 'utf8');
    expect(handoff).toContain('- Exit: approved — The reviewer (command) approved in cycle 2 of 2.');
    expect(handoff).toContain('- cycle 1, command: needs-attention (1 high; 0 skipped, 1 open)');
    expect(handoff).toContain(`- Worktree: ${f.input.worktree} (branch ccx/T-1`);
    expect(await modeOf(result.handoffPath)).toBe(0o600);
    // Events tell the story; a checkpoint follows every turn and every check.
    expect(f.eventsOf('phase').map((event) => `${event.cycle}:${event.phase}`)).toEqual(['1:implement', '1:review', '2:fix', '2:review']);
    expect(f.checkpoints.map((checkpoint) => `${checkpoint.cycle}:${checkpoint.step}`)).toEqual(['1:check', '1:review', '2:fix', '2:check', '2:review']);
    expect(f.eventsOf('attempt.finished')).toEqual([{ type: 'attempt.finished', exit: 'approved', mergeable: true, cycles: 2, message: result.message, costUsd: 0 }]);
    expect(result.commitBody).toMatchInlineSnapshot(`
      "The reviewer (command) approved in cycle 2 of 2.

      Cycles: 2 (mode loop, attempt 1, rung default)
      Verdicts:
      - c1 command: needs-attention (1 high)
      - c2 command: approve (no findings)
      Tests: none configured
      "
    `);
    expect(f.noProcessesLeft()).toBe(true);
  });

  it('filtered-clean: findings under min_severity or min_confidence are skipped, kept for the handoff and the commit body', async () => {
    const f = await loopFixture({
      task: { minSeverity: 'medium', minConfidence: 0.5 },
      scenario: {
        implementer: { action: 'edit', files: { '*': { 'notes.md': 'TODO: polish\nmaybe later\n' } } },
        reviewer: {
          action: 'inspect',
          checks: [
            { file: 'notes.md', pattern: 'TODO', severity: 'low', title: 'A TODO is left', body: 'Remove it.', confidence: 0.9 },
            { file: 'notes.md', pattern: 'maybe', severity: 'high', title: 'Vague wording', body: 'Say what you mean.', confidence: 0.3 },
          ],
        },
      },
    });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'filtered-clean', mergeable: true, cycles: 1, unresolved: [] });
    expect(result.skipped.map((finding) => finding.title)).toEqual(['A TODO is left', 'Vague wording']);
    expect(f.eventsOf('review.verdict')).toEqual([{ type: 'review.verdict', cycle: 1, reviewer: 'command', verdict: 'needs-attention', counts: { critical: 0, high: 1, medium: 0, low: 1 }, skipped: 2, open: 0 }]);
    expect(result.commitBody).toContain('Skipped findings (under min_severity medium or min_confidence 0.5):\n- [low, 0.9] notes.md:1 — A TODO is left: Remove it.\n- [high, 0.3] notes.md:2 — Vague wording: Say what you mean.');
    expect(await readFile(result.handoffPath, 'utf8')).toContain('## Skipped findings (under min_severity medium or min_confidence 0.5)\n\n- [low, 0.9] notes.md:1 — A TODO is left');
  });

  it('stuck: the same finding in 3 consecutive reviews ends the attempt before the cycles run out', async () => {
    const f = await loopFixture({ scenario: 'stuck', task: { loops: 6 } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'stuck', mergeable: false, cycles: 3 });
    expect(result.message).toBe('The same finding came back in 3 consecutive reviews (README.md: The same problem), so the loop cannot converge.');
    expect(result.unresolved.map((finding) => finding.title)).toEqual(['The same problem']);
    expect(f.eventsOf('task.stuck')).toEqual([{ type: 'task.stuck', cycle: 3, finding: 'README.md: The same problem', reviews: 3 }]);
    expect(await readFile(result.handoffPath, 'utf8')).toContain('## Unresolved findings\n\n- [high, 0.9] README.md:1 — The same problem: This finding never goes away.');
  });

  it('cycle-cap: a new finding every cycle runs out of cycles', async () => {
    const f = await loopFixture({ scenario: 'approve-at-5', task: { loops: 2 } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'cycle-cap', mergeable: false, cycles: 2, message: 'All 2 cycles were used and 1 finding is still open.' });
    expect(result.unresolved.map((finding) => finding.title)).toEqual(['Open item 2']);
  });

  it('forever: runs until approval, past the loop default', async () => {
    const f = await loopFixture({ scenario: 'approve-at-4', task: { mode: 'forever', maxCycles: 10 } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 4, message: 'The reviewer (command) approved in cycle 4 of 10.' });
  });

  it('a fix turn that changes nothing leaves its findings unresolved; the reviewer hears why', async () => {
    const f = await loopFixture({
      task: { loops: 2 },
      scenario: {
        implementer: { action: 'edit', files: { '*': { 'a.txt': 'same\n' } } },
        reviewer: { action: 'inspect', checks: [{ file: 'a.txt', pattern: 'same', severity: 'medium', title: 'Say more', body: 'a.txt says too little.' }] },
      },
    });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'cycle-cap', cycles: 2, mergeable: false });
    expect(result.unresolved.map((finding) => finding.title)).toEqual(['Say more']);
    expect(f.eventsOf('turn.committed').map((event) => event.sha === null)).toEqual([false, true]);
    expect(f.eventsOf('fix.empty')).toEqual([{ type: 'fix.empty', cycle: 2, unresolved: 1 }]);
    expect(await readFile(join(f.input.runDir, 'c2-review.prompt.md'), 'utf8')).toContain('## The implementer changed nothing this turn\n\nIts answer:\n\n```\nWrote a.txt (cycle 2).\n```');
  });
});
