import { writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agents/index.js';
import type { AgentRole, TurnOutcome } from '../../src/agents/index.js';
import { gitdir } from '../helpers/gitdir.js';
import { grandchildPids, liveProcesses } from '../helpers/processes.js';
import { testdir } from '../helpers/testdir.js';

const SCRIPT = fileURLToPath(new URL('../../examples/agents/scripted-agent.mjs', import.meta.url));

/** Runs the scripted agent as ccx would: a command agent in a real worktree. */
async function session(scenario: string | undefined, extraEnv: Record<string, string> = {}) {
  const worktree = await gitdir();
  const stateDir = await testdir();
  const argv = [process.execPath, SCRIPT, ...(scenario === undefined ? [] : [scenario])];
  const agent = createAgent({ type: 'command', argv, killGraceMs: 300 });
  return {
    worktree,
    async turn(role: AgentRole, cycle: number, prompt = `Task T-1, cycle ${cycle}`, timeoutMs = 10_000): Promise<TurnOutcome> {
      let pgid = 0;
      const outcome = await agent.runTurn({
        role, prompt, worktree, model: 'scripted', effort: 'high', timeoutMs, scratchDir: stateDir,
        env: { CCX_TASK_ID: 'T-1', CCX_ATTEMPT: '1', CCX_CYCLE: String(cycle), CCX_STATE_DIR: stateDir, ...extraEnv },
        onSpawn: (group) => (pgid = group.pgid),
      });
      expect(liveProcesses({ pgid })).toEqual([]);
      return outcome;
    },
  };
}

type Verdict = { verdict: string; findings: { title: string; file: string; line_start: number; severity: string }[] };
const verdictOf = (outcome: TurnOutcome) => outcome.structured as Verdict;

describe('scripted agent', () => {
  it('defect-then-fix: writes a real off-by-one, the reviewer finds it by file and line, the fix is approved', async () => {
    const agent = await session('defect-then-fix');
    expect((await agent.turn('implementer', 1)).kind).toBe('ok');
    const buggy = await import(`${pathToFileURL(join(agent.worktree, 'src/range.js')).href}?v=1`);
    expect(buggy.range(1, 3)).toEqual([1, 2]); // really wrong

    const review1 = await agent.turn('reviewer', 1);
    expect(verdictOf(review1)).toMatchObject({ verdict: 'needs-attention', findings: [{ severity: 'high', title: 'range() drops its last element', file: 'src/range.js', line_start: 4 }] });

    await agent.turn('implementer', 2);
    const fixed = await import(`${pathToFileURL(join(agent.worktree, 'src/range.js')).href}?v=2`);
    expect(fixed.range(1, 3)).toEqual([1, 2, 3]);
    expect(verdictOf(await agent.turn('reviewer', 2))).toMatchObject({ verdict: 'approve', findings: [] });
  });

  it('approve-at-3: a new finding each cycle, then approve', async () => {
    const agent = await session('approve-at-3');
    const titles = [];
    for (const cycle of [1, 2]) {
      await agent.turn('implementer', cycle);
      const verdict = verdictOf(await agent.turn('reviewer', cycle));
      expect(verdict.verdict).toBe('needs-attention');
      titles.push(verdict.findings[0]?.title);
    }
    expect(new Set(titles).size).toBe(2);
    expect(verdictOf(await agent.turn('reviewer', 3)).verdict).toBe('approve');
    expect(await readFile(join(agent.worktree, 'SCRIPTED-AGENT.md'), 'utf8')).toBe('- cycle 1: Task T-1, cycle 1\n- cycle 2: Task T-1, cycle 2\n');
  });

  it('stuck: the same finding every cycle', async () => {
    const agent = await session('stuck');
    const [a, b] = [verdictOf(await agent.turn('reviewer', 1)), verdictOf(await agent.turn('reviewer', 2))];
    expect(a.findings).toEqual(b.findings);
    expect(a.verdict).toBe('needs-attention');
  });

  it('garbage, status lines and a crash', async () => {
    const garbage = await (await session('garbage')).turn('reviewer', 1);
    expect(garbage).toMatchObject({ kind: 'ok', text: '}}} this is not a verdict {{{\n' });
    expect(garbage.structured).toBeUndefined();
    expect((await (await session('status-issues')).turn('reviewer', 1)).text).toMatch(/^STATUS: ISSUES_FOUND\n/);
    expect((await (await session('status-done')).turn('reviewer', 1)).text).toMatch(/^STATUS: DONE\n/);
    const crash = await (await session('implementer-crash')).turn('implementer', 1);
    expect(crash).toMatchObject({ kind: 'error', exitCode: 1 });
  });

  it('hang: ends by timeout with nothing left', async () => {
    const outcome = await (await session('hang')).turn('reviewer', 1, 'x', 500);
    expect(outcome).toMatchObject({ kind: 'timeout', timedOut: true });
  });

  it('limit: exit 75 with retry-after; limit-once then behaves', async () => {
    const limited = await (await session('limit')).turn('reviewer', 1);
    expect(limited).toMatchObject({ kind: 'usage-limit', exitCode: 75 });
    expect(limited.resetAt?.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const once = await session('limit-once');
    expect((await once.turn('reviewer', 1)).kind).toBe('usage-limit');
    expect(verdictOf(await once.turn('reviewer', 1)).verdict).toBe('approve');
  });

  it('grandchild: answers, and the TERM-ignoring grandchild it left is stopped', async () => {
    const outcome = await (await session('grandchild')).turn('reviewer', 1);
    expect(outcome.kind).toBe('ok');
    expect(verdictOf(outcome).verdict).toBe('approve');
    const pids = grandchildPids(outcome.stderr);
    expect(pids).toHaveLength(1);
    expect(liveProcesses({ pids })).toEqual([]);
  });

  it('follows write and check blocks in the prompt (how a demo board steers it)', async () => {
    const agent = await session(undefined);
    const brief = [
      'Task T-9: greet people.',
      '```write src/greet.js',
      'export const greet = (name) => `Hello ${name}`;',
      '```',
      '```write@2 src/greet.js',
      'export const greet = (name) => `Hello, ${name}!`;',
      '```',
      '```check src/greet.js',
      '{"pattern": "Hello \\\\$", "severity": "medium", "title": "Missing comma", "body": "Greetings need a comma.", "recommendation": "Write Hello, name!"}',
      '```',
    ].join('\n');
    await agent.turn('implementer', 1, brief);
    expect(verdictOf(await agent.turn('reviewer', 1, brief))).toMatchObject({ verdict: 'needs-attention', findings: [{ title: 'Missing comma', file: 'src/greet.js', line_start: 1 }] });
    await agent.turn('implementer', 2, brief);
    expect(await readFile(join(agent.worktree, 'src/greet.js'), 'utf8')).toBe('export const greet = (name) => `Hello, ${name}!`;\n');
    expect(verdictOf(await agent.turn('reviewer', 2, brief)).verdict).toBe('approve');
  });

  it('reads a JSON scenario file: per-cycle edits and overrides', async () => {
    const file = join(await testdir(), 'scenario.json');
    await writeFile(file, JSON.stringify({
      implementer: { action: 'edit', files: { 1: { 'a.txt': 'one\n' }, '*': { 'a.txt': null, 'b.txt': 'two\n' } }, cycles: { 3: { action: 'crash', exitCode: 4 } } },
      reviewer: { action: 'approve-at', cycle: 2 },
    }));
    const agent = await session(file);
    await agent.turn('implementer', 1);
    expect(await readFile(join(agent.worktree, 'a.txt'), 'utf8')).toBe('one\n');
    await agent.turn('implementer', 2);
    await expect(readFile(join(agent.worktree, 'a.txt'), 'utf8')).rejects.toThrow();
    expect(await readFile(join(agent.worktree, 'b.txt'), 'utf8')).toBe('two\n');
    expect((await agent.turn('implementer', 3)).exitCode).toBe(4);
    expect(verdictOf(await agent.turn('reviewer', 2)).verdict).toBe('approve');
  });

  it('CCX_SCENARIO picks the scenario when argv has none', async () => {
    const agent = await session(undefined, { CCX_SCENARIO: 'stuck' });
    expect(verdictOf(await agent.turn('reviewer', 1)).findings[0]?.title).toBe('The same problem');
  });

  it('answers a planning turn (CCX_PHASE=plan) with the scenario\'s plan for that try: JSON, or a string verbatim', async () => {
    const scenario = join(await testdir(), 'scenario.json');
    await writeFile(scenario, JSON.stringify({ planner: { action: 'plan', answers: ['{"tasks": [oops', { tasks: [{ key: 'P1' }] }] } }));
    const agent = await session(scenario, { CCX_PHASE: 'plan', CCX_ATTEMPT: '1' });
    const first = await agent.turn('reviewer', 1);
    expect([first.kind, first.stdout, first.structured]).toEqual(['ok', '{"tasks": [oops', undefined]);
    const second = await (await session(scenario, { CCX_PHASE: 'plan', CCX_ATTEMPT: '2' })).turn('reviewer', 1);
    expect(second.structured).toEqual({ tasks: [{ key: 'P1' }] });
    const third = await (await session(scenario, { CCX_PHASE: 'plan', CCX_ATTEMPT: '3' })).turn('reviewer', 1);
    expect(third.structured).toEqual({ tasks: [{ key: 'P1' }] });
    const none = await (await session('approve', { CCX_PHASE: 'plan', CCX_ATTEMPT: '1' })).turn('reviewer', 1);
    expect([none.kind, none.exitCode, none.stderr]).toEqual(['error', 2, 'scripted-agent: a planning turn needs a scenario with "planner": {"action": "plan", "answers": [<try 1>, <try 2>]}\n']);
  });
});
