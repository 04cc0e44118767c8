import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loopFixture, type ScriptedTurn } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';

const FAKE_CODEX = fileURLToPath(new URL('./fixtures/fake-codex.mjs', import.meta.url));
const approve = { action: 'approve-at', cycle: 1 };
const who = (turns: ScriptedTurn[]) => turns.map((turn) => `c${turn.cycle} ${turn.name} ${turn.role}`);

describe('runAttempt: modes', () => {
  it('duet: the agents take turns; two clean reviews in a row by different reviewers with no change between converge', async () => {
    const f = await loopFixture({ task: { mode: 'duet', loops: 2 }, scenario: { implementer: { action: 'edit', files: { '*': { 'a.txt': 'done\n' } } }, reviewer: approve } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 2, mergeable: true });
    expect(result.message).toBe('The reviewer (command) approved in cycle 2 of 2: the second clean review in a row, by the other agent, with no change between them.');
    expect(who(await f.turns())).toEqual(['c1 A implementer', 'c1 B reviewer', 'c2 B implementer', 'c2 A reviewer']);
    expect(f.eventsOf('turn.committed').map((event) => event.sha === null)).toEqual([false, true]);
    expect(await readFile(join(f.input.runDir, 'c2-fix.prompt.md'), 'utf8')).toContain('The last review found nothing to change.');
  });

  it('duet: a change between two approvals starts the count again', async () => {
    const files = { 1: { 'a.txt': 'first\n' }, 2: { 'a.txt': 'second\n' }, '*': { 'a.txt': 'second\n' } };
    const f = await loopFixture({ task: { mode: 'duet', loops: 4 }, scenario: { implementer: { action: 'edit', files }, reviewer: approve } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 3 });
    expect(who(await f.turns())).toEqual(['c1 A implementer', 'c1 B reviewer', 'c2 B implementer', 'c2 A reviewer', 'c3 A implementer', 'c3 B reviewer']);
    expect(f.checkpoints.filter((checkpoint) => checkpoint.step === 'fix').map((checkpoint) => checkpoint.duet.approvedBy)).toEqual(['reviewer', 'implementer']);
  });

  it('duet: out of cycles with a single clean review is cycle-cap', async () => {
    const f = await loopFixture({ task: { mode: 'duet', loops: 2 }, scenario: { reviewer: approve } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'cycle-cap', cycles: 2, mergeable: false, unresolved: [] });
    expect(result.message).toBe('All 2 cycles were used: the last review was clean, but duet mode needs a second clean review in a row by the other agent.');
  });

  it('loop mode keeps the implementer session across turns; reviews are fresh', async () => {
    const f = await loopFixture({ scenario: 'approve-at-3', task: { loops: 3 } });
    await f.run();
    const turns = await f.turns();
    const implementer = turns.filter((turn) => turn.role === 'implementer');
    expect(implementer.map((turn) => turn.resume)).toEqual(['0', '1', '1']);
    expect(new Set(implementer.map((turn) => turn.session)).size).toBe(1);
    expect(turns.filter((turn) => turn.role === 'reviewer').map((turn) => turn.session)).toEqual([null, null, null]);
    expect(f.eventsOf('turn.started').map((event) => event.session)).toEqual(['new', 'fresh', 'resumed', 'fresh', 'resumed', 'fresh']);
  });

  it('conductor: every turn is a fresh session with a bounded prompt', async () => {
    const f = await loopFixture({ scenario: 'approve-at-3', task: { mode: 'conductor', loops: 3 } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 3 });
    expect((await f.turns()).map((turn) => turn.session)).toEqual([null, null, null, null, null, null]);
    expect(f.eventsOf('turn.started').every((event) => event.session === 'fresh')).toBe(true);
  });

  it('codex_first: the configured reviewer implements and the implementer reviews; each gets its own model pair', async () => {
    const f = await loopFixture({ scenario: 'approve-at-2', task: { codexFirst: true } });
    await f.run();
    const turns = await f.turns();
    expect(who(turns)).toEqual(['c1 B implementer', 'c1 A reviewer', 'c2 B implementer', 'c2 A reviewer']);
    // A command agent gets the pair of the agent that usually has its role: claude's to implement, codex's to review.
    expect(turns.map((turn) => `${turn.role} ${turn.model}/${turn.effort}`).slice(0, 2)).toEqual(['implementer sonnet/high', 'reviewer gpt-5.5/high']);
  });

  it('codex: implements in workspace-write and resumes its own thread id; its verdicts are validated by ccx', async () => {
    const log = join(await testdir(), 'codex.jsonl');
    const verdict = { verdict: 'needs-attention', summary: 's', findings: [{ severity: 'medium', title: 'General worry', body: 'b', file: '', line_start: null, line_end: null, confidence: 0.8, recommendation: 'r' }], next_steps: ['look again'] };
    const codex = { type: 'codex', bin: FAKE_CODEX, killGraceMs: 300 } as const;
    const f = await loopFixture({ task: { codexFirst: true }, scenario: 'approve-at-2', agents: { reviewer: codex }, env: { FAKE_CODEX_LOG: log, FAKE_CODEX_VERDICT: JSON.stringify(verdict) } });
    const result = await f.run();
    expect(result.exit).toBe('approved');
    const calls = (await readFile(log, 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as { args: string[] }).args);
    expect(calls).toHaveLength(2);
    expect(calls[0]).not.toContain('resume');
    expect(calls[0]!.slice(0, 4)).toEqual(['exec', '--json', '--sandbox', 'workspace-write']);
    const thread = f.checkpoints.find((checkpoint) => checkpoint.sessions.reviewer !== null)?.sessions.reviewer?.id;
    expect(thread).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[1]!.slice(calls[1]!.indexOf('resume'))).toEqual(['resume', thread, '-']);
    expect(result.tokens).toMatchObject({ input: 100, output: 20, reasoning: 6 });

    const reviewing = await loopFixture({ task: { loops: 1 }, agents: { reviewer: codex }, env: { FAKE_CODEX_VERDICT: JSON.stringify(verdict) } });
    expect(await reviewing.run()).toMatchObject({ exit: 'cycle-cap', unresolved: [{ title: 'General worry', file: '', lineStart: null, source: 'reviewer' }], nextSteps: ['look again'] });
    const invalid = await loopFixture({ agents: { reviewer: codex }, env: { FAKE_CODEX_VERDICT: JSON.stringify({ summary: 'no verdict field' }) } });
    const failed = await invalid.run();
    expect(failed.exit).toBe('cycle-cap');
    expect(failed.unresolved).toEqual([expect.objectContaining({ title: 'review-output-malformed', recommendation: 'What was wrong: "verdict" must be "approve" or "needs-attention", but it is null.' })]);
  });
});
