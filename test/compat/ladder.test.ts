import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeArgs } from '../../src/agents/claude/args.js';
import { codexArgs } from '../../src/agents/codex/args.js';
import { loadLadder, modelFor, rungFor } from '../../src/loop/index.js';
import { runCli } from '../helpers/cli.js';
import { SCRIPTED_AGENT } from '../helpers/loop.js';
import { FIXTURES, loopUser } from './loop-state.js';

describe('a model ladder as ccx-loop accepts it', () => {
  it('loads without default_start (the first tier), with claude.effort left out and codex efforts none and minimal', async () => {
    const ladder = await loadLadder(join(FIXTURES, 'ladders', 'model-ladder.json'));
    expect(ladder.defaultStart).toBe('haiku');
    const haiku = rungFor(ladder, null);
    expect(modelFor(haiku, 'claude', 'implementer')).toEqual({ model: 'haiku', effort: '' });
    expect(modelFor(haiku, 'codex', 'reviewer')).toEqual({ model: 'gpt-5.5', effort: 'minimal' });
    expect(modelFor(rungFor(ladder, 'sonnet'), 'codex', 'reviewer')).toEqual({ model: 'gpt-5.5', effort: 'none' });
    const request = { role: 'implementer', model: 'haiku', effort: '', worktree: '/w' } as Parameters<typeof claudeArgs>[0];
    expect(claudeArgs(request, { type: 'claude' })).not.toContain('--effort');
    expect(codexArgs({ ...request, model: 'gpt-5.5' }, { lastMessage: '/o' }).join(' ')).not.toContain('model_reasoning_effort');
  });

  it('is what ccx tasks and ccx status use: rows without model_start or with auto start on its first tier', async () => {
    const user = await loopUser({ extra: { 'model-ladder.json': 'ladders/model-ladder.json' } });
    const listed = await runCli(['tasks', '--json'], { cwd: user.repo, env: user.env });
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<Record<string, unknown>>).map((row) => [row['id'], row['model_start'], row['problems']])).toEqual([
      ['T-1', 'haiku', []], ['T-2', 'haiku', []], ['T-3', 'haiku', []],
    ]);
    const status = JSON.parse((await runCli(['status', '--json'], { cwd: user.repo, env: user.env })).stdout) as { repos: Array<{ board: { valid: boolean } }> };
    expect(status.repos[0]?.board.valid).toBe(true);
  });

  it('rejects max for codex; a bad ladder makes ccx status --json say the board is not valid and ccx tasks --json print its problems on stdout', async () => {
    const user = await loopUser();
    await cp(join(FIXTURES, 'ladders', 'model-ladder.invalid.json'), join(user.stateDir, 'model-ladder.json'));
    const boardBefore = await readFile(user.board);
    const status = await runCli(['status', '--json'], { cwd: user.repo, env: user.env });
    expect(status.exitCode).toBe(0);
    const repo = (JSON.parse(status.stdout) as { repos: Array<{ board: { valid: boolean; problems: Array<{ message: string }> } }> }).repos[0];
    expect(repo?.board.valid).toBe(false);
    const message = 'model-ladder.json:4:120: tiers[0].codex.effort must be one of none, minimal, low, medium, high, xhigh (codex has no max: its highest is xhigh), but it is "max". (no task is dispatched until model-ladder.json is fixed or removed)';
    expect(repo?.board.problems.map((problem) => problem.message)).toEqual([message]);
    const listed = await runCli(['tasks', '--json'], { cwd: user.repo, env: user.env });
    expect(listed.exitCode).toBe(1);
    expect(JSON.parse(listed.stdout)).toEqual({ problems: [{ line: 7, column: 1, level: 'file', task: null, message }] });
    expect(await readFile(user.board)).toEqual(boardBefore);
  });

  it('the daemon dispatches nothing while model-ladder.json is bad, and STATUS.md names the problem', async () => {
    const user = await loopUser({ extra: { 'model-ladder.json': 'ladders/model-ladder.invalid.json' } });
    const agent = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SCRIPTED_AGENT)}]}`;
    await writeFile(join(user.stateDir, 'config.yaml'), [`repo: ${JSON.stringify(user.repo)}`, 'integration: main', 'agents:', `  implementer: ${agent}`, `  reviewer: ${agent}`, ''].join('\n'));
    const before = await readFile(user.board);
    const run = await runCli(['daemon', '--once'], { cwd: user.repo, env: user.env, timeoutMs: 60_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await readFile(user.board)).toEqual(before);
    const status = await readFile(join(user.stateDir, 'STATUS.md'), 'utf8');
    expect(status).toContain('BOARD.md:7:1: model-ladder.json:4:120: tiers[0].codex.effort must be one of none, minimal, low, medium, high, xhigh');
    expect(status).toContain('BOARD.md cannot be read as a whole: running tasks go on, nothing new starts until it is fixed.');
    expect(await readFile(join(user.stateDir, 'audit.jsonl'), 'utf8')).not.toContain('task.dispatched');
  });
});
