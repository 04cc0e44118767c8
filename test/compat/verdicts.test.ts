import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../src/agents/index.js';
import type { AttemptTask } from '../../src/loop/types.js';
import { loopFixture } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';
import { FIXTURES } from './loop-state.js';

/** A loop whose reviewer answers with these fixture files in turn (the last one from then on). */
async function reviewedBy(answers: string[], task: Partial<AttemptTask> = {}) {
  const log = join(await testdir(), 'reviews.jsonl');
  const reviewer: AgentConfig = { type: 'command', argv: [process.execPath, join(FIXTURES, 'answering-reviewer.mjs'), JSON.stringify(answers.map((name) => `verdicts/${name}`))], killGraceMs: 300 };
  const fixture = await loopFixture({ agents: { reviewer }, task, env: { ANSWERING_REVIEWER_LOG: log } });
  const reviews = async () => (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { turn: number; cycle: string; prompt: string });
  return { fixture, reviews };
}

describe('verdicts as reviewers really write them', () => {
  it('reads the codex review schema answer ccx-loop reads, every field', async () => {
    const { fixture } = await reviewedBy(['schema-needs-attention.json'], { loops: 1 });
    const result = await fixture.run();
    expect(result).toMatchObject({
      exit: 'cycle-cap',
      unresolved: [{ severity: 'high', title: 'Last line dropped', file: 'src/config/read.ts', lineStart: 12, lineEnd: 14, confidence: 0.9, recommendation: 'Keep the remainder after the last newline.' }],
      nextSteps: ['Fix the split', 'Add a test without a trailing newline'],
    });
  });

  it('reads a verdict inside a fenced ```json block after prose', async () => {
    const { fixture } = await reviewedBy(['fenced-needs-attention.md', 'fenced-approve.md']);
    const result = await fixture.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 2 });
    const first = JSON.parse(await readFile(join(fixture.input.runDir, 'c1-review.verdict.json'), 'utf8')) as Record<string, unknown>;
    expect(first).toMatchObject({ form: 'fenced', verdict: 'needs-attention', open: [{ title: 'Missing doc line', confidence: 0.4 }], next_steps: ['Add the heading'] });
  });

  it('retries a malformed review once with the problem quoted back, and goes on with the answer it then gets', async () => {
    const { fixture, reviews } = await reviewedBy(['malformed.md', 'fenced-approve.md']);
    const result = await fixture.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 1 });
    const [first, retry] = await reviews();
    expect(retry?.cycle).toBe('1');
    expect(first?.prompt).not.toContain('could not be read');
    expect(retry?.prompt.startsWith(first?.prompt ?? '?')).toBe(true);
    expect(retry?.prompt).toContain('## Your last answer could not be read\n\nccx could not read a verdict from it: its ```json block does not parse (');
    expect(retry?.prompt).toContain('I ran out of room before writing the verdict.');
    expect(await readFile(join(fixture.input.runDir, 'c1-review-retry.prompt.md'), 'utf8')).toBe(retry?.prompt);
    const verdict = JSON.parse(await readFile(join(fixture.input.runDir, 'c1-review.verdict.json'), 'utf8')) as Record<string, unknown>;
    expect(verdict).toMatchObject({ form: 'fenced', verdict: 'approve', retried_after: expect.stringContaining('its ```json block does not parse') as unknown });
  });

  it('a review still malformed after its retry is one medium review-output-malformed finding that no filter drops; three in a row are stuck', async () => {
    const { fixture, reviews } = await reviewedBy(['malformed.md'], { loops: 5, minSeverity: 'critical' });
    const result = await fixture.run();
    expect(result.exit).toBe('stuck');
    expect(result.cycles).toBe(3);
    expect(result.message).toBe('The same finding came back in 3 consecutive reviews (review-output-malformed), so the loop cannot converge.');
    expect(result.unresolved).toEqual([expect.objectContaining({ severity: 'medium', title: 'review-output-malformed', source: 'reviewer' })]);
    expect((await reviews()).map((review) => review.cycle)).toEqual(['1', '1', '2', '2', '3', '3']);
  });
});
