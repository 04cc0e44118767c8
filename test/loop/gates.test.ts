import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runGit } from '../helpers/gitdir.js';
import { loopFixture } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';

const FAKE_CLAUDE = fileURLToPath(new URL('./fixtures/fake-claude.mjs', import.meta.url));
const approve = { action: 'approve-at', cycle: 1 };

describe("runAttempt: ccx's own gates", () => {
  it('test-failed: a failing test command is a high finding with its output, given to the fix turn; an approval does not hide it', async () => {
    const f = await loopFixture({
      testCommand: 'echo "checking ok.txt"; test -f ok.txt',
      scenario: { implementer: { action: 'edit', files: { '*': { 'a.txt': 'a\n' } } }, reviewer: approve },
    });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'test-failed', mergeable: false, testsPassing: false, cycles: 2, message: 'All 2 cycles were used and the test command still fails.' });
    expect(result.verdicts.map((verdict) => verdict.verdict)).toEqual(['approve', 'approve']);
    expect(result.unresolved).toEqual([expect.objectContaining({ source: 'tests', severity: 'high', title: 'The test command `echo "checking ok.txt"; test -f ok.txt` fails' })]);
    const fix = await readFile(join(f.input.runDir, 'c2-fix.prompt.md'), 'utf8');
    expect(fix).toContain('1. [high · ccx test run] — The test command `echo "checking ok.txt"; test -f ok.txt` fails\n   It exited with code 1.\n   checking ok.txt');
    // The empty fix turn did not run the tests again.
    expect(f.eventsOf('test.finished').map((event) => [event.cycle, event.passed, event.reused])).toEqual([[1, false, false], [2, false, true]]);
    expect(await readFile(join(f.input.runDir, 'c1-test.log'), 'utf8')).toMatch(/^\$ echo "checking ok.txt"; test -f ok.txt\n# in .*\n\nchecking ok.txt\n\n--- stderr ---\n\n\n# failed: it exited with code 1 after \d+ ms\n$/);
  });

  it('a fix that makes the tests pass is approved; what the test command writes is not committed', async () => {
    const f = await loopFixture({
      testCommand: 'echo report > report.xml; test -f ok.txt',
      scenario: { implementer: { action: 'edit', files: { 1: { 'a.txt': 'a\n' }, '*': { 'a.txt': 'a\n', 'ok.txt': 'ok\n' } } }, reviewer: approve },
    });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', mergeable: true, testsPassing: true, cycles: 2 });
    expect((await runGit(f.input.worktree, ['diff', '--name-only', f.input.base, 'HEAD'])).trim().split('\n')).toEqual(['a.txt', 'ok.txt']);
    expect((await runGit(f.input.worktree, ['status', '--porcelain'])).trim()).toBe('');
  });

  it('out-of-scope: changes outside the scope are a finding for the next turn and block the merge', async () => {
    const f = await loopFixture({
      task: { scope: { include: ['src/**'], exclude: [] } },
      scenario: { implementer: { action: 'edit', files: { '*': { 'src/a.js': 'a\n', 'README.md': 'changed\n' } } }, reviewer: approve },
    });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'out-of-scope', mergeable: false, outOfScope: ['README.md'], message: 'edited outside its scope: README.md (all 2 cycles were used; undo those changes or widen scope.include, then flip the row to pending).' });
    expect(f.eventsOf('scope.violation')).toEqual([{ type: 'scope.violation', cycle: 1, paths: ['README.md'] }, { type: 'scope.violation', cycle: 2, paths: ['README.md'] }]);
    expect(await readFile(join(f.input.runDir, 'c2-fix.prompt.md'), 'utf8')).toContain("[high · ccx scope check] — Changes outside the task's scope\n   These paths changed but are outside the task's scope:\n   - README.md");
  });

  it('a fix turn that undoes the out-of-scope change makes the branch mergeable', async () => {
    const f = await loopFixture({
      task: { scope: { include: ['src/**'], exclude: [] } },
      scenario: { implementer: { action: 'edit', files: { 1: { 'src/a.js': 'a\n', 'README.md': 'changed\n' }, '*': { 'README.md': '# test\n' } } }, reviewer: approve },
    });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', mergeable: true, outOfScope: [], cycles: 2 });
  });

  it('budget: a task whose earlier attempts spent past max_cost_usd starts no turn', async () => {
    const f = await loopFixture({ scenario: 'approve', task: { maxCostUsd: 0.5 } });
    const result = await f.run({ spentUsd: 0.75 });
    expect(result).toMatchObject({ exit: 'budget', cycles: 0, mergeable: false, costUsd: 0, taskCostUsd: 0.75 });
    expect(result.message).toMatchInlineSnapshot(`"The task has cost $0.7500, past its max_cost_usd of $0.50, so no further turn was started."`);
    expect(f.eventsOf('turn.started')).toEqual([]);
  });

  it('budget: claude-reported cost is summed per turn, and each turn may spend only what is left of max_cost_usd', async () => {
    const log = join(await testdir(), 'claude.jsonl');
    const f = await loopFixture({
      task: { maxCostUsd: 0.5, loops: 5 },
      scenario: 'approve-at-5',
      agents: { implementer: { type: 'claude', bin: FAKE_CLAUDE, killGraceMs: 300 } },
      env: { FAKE_CLAUDE_COST: '0.4', FAKE_CLAUDE_LOG: log },
    });
    const result = await f.run();
    // The fix turn gets $0.099 of $0.50, and (like claude) stops there instead of spending $0.40: before, the task cost $0.80.
    expect(result).toMatchObject({ exit: 'budget', cycles: 2, costUsd: 0.499, taskCostUsd: 0.499, tokens: { input: 100, output: 20, cacheRead: 7, cacheWrite: 0 } });
    expect(f.eventsOf('turn.finished').map((event) => [event.phase, event.agent, event.costUsd, event.outcome])).toEqual([['implement', 'claude', 0.4, 'ok'], ['review', 'command', null, 'ok'], ['fix', 'claude', 0.099, 'budget']]);
    const ledger = JSON.parse(await readFile(join(f.input.runDir, 'ledger.json'), 'utf8'));
    expect(ledger.totals).toEqual({ turns: 3, costUsd: 0.499, tokens: { input: 100, output: 20, cacheRead: 7, cacheWrite: 0 } });
    // claude keeps the implementer's session: started under ccx's id, then resumed.
    const calls = (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { args: string[] });
    const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];
    expect(calls).toHaveLength(2);
    expect(calls[0]!.args).toContain('--session-id');
    expect(flag(calls[1]!.args, '--resume')).toBe(flag(calls[0]!.args, '--session-id'));
    expect([flag(calls[0]!.args, '--model'), flag(calls[0]!.args, '--effort')]).toEqual(['sonnet', 'high']);
    // Each turn may spend only what is left of max_cost_usd (SPEC 8): $0.50, then $0.50 - $0.40.
    expect(calls.map((call) => flag(call.args, '--max-budget-usd'))).toEqual(['0.5', '0.099']);
    expect(await readFile(result.handoffPath, 'utf8')).toContain('- Cost: $0.4990 this attempt, $0.4990 for the task (agent-reported); tokens 100 in, 20 out');
  });

  it('budget: a claude turn that would cost more than what is left stops at it (--max-budget-usd), and the attempt ends as budget', async () => {
    const f = await loopFixture({
      task: { maxCostUsd: 0.5, loops: 5 },
      scenario: 'approve-at-5',
      agents: { implementer: { type: 'claude', bin: FAKE_CLAUDE, killGraceMs: 300 } },
      env: { FAKE_CLAUDE_COST: '2.0' },
    });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'budget', cycles: 1, costUsd: 0.5, taskCostUsd: 0.5, mergeable: false });
    expect(result.message).toContain('ended with budget');
  });
});
