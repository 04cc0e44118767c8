import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBoard } from '../../src/board/parse/parser.js';
import { runCli } from '../helpers/cli.js';
import { SCRIPTED_AGENT } from '../helpers/loop.js';
import { runGit } from '../helpers/gitdir.js';
import { FIXTURES, loopUser, snapshot, type LoopUser } from './loop-state.js';

const FILES = { 'src/config/.keep': '', 'docs/.keep': '', 'lint/.keep': '' };

/** A ccx-loop user's STATE_DIR with config.yaml pointing both roles at the scripted agent. */
async function servedLoopUser(configLines: string[] = []): Promise<LoopUser> {
  const user = await loopUser({ files: FILES });
  const agent = `{type: command, argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SCRIPTED_AGENT)}]}`;
  await writeFile(join(user.stateDir, 'config.yaml'), [`repo: ${JSON.stringify(user.repo)}`, 'integration: main', 'parallel: 2', 'max_attempts: 1', ...configLines, 'agents:', `  implementer: ${agent}`, `  reviewer: ${agent}`, ''].join('\n'));
  return user;
}

async function audit(user: LoopUser): Promise<Array<Record<string, unknown>>> {
  return (await readFile(join(user.stateDir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The board's text outside one row: what the daemon must leave byte for byte. */
function rowText(board: string, id: string): string {
  const start = board.indexOf(`- id: ${id}\n`);
  const next = board.indexOf('\n- id: ', start + 1);
  return board.slice(start, next < 0 ? board.indexOf('```', start) : next);
}

describe("the daemon on a ccx-loop user's files", () => {
  it('runs the board as written: briefs found under STATE_DIR/tasks, worker_mode duet run as duet, model_start auto on default_start; every byte it does not own stays', async () => {
    const user = await servedLoopUser();
    const before = await readFile(user.board, 'utf8');
    const run = await runCli(['daemon', '--once'], { cwd: user.repo, env: user.env, timeoutMs: 120_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const after = await readFile(user.board, 'utf8');
    const rows = parseBoard(after).rows;
    expect(rows.map((row) => [row.id, row.status, row.mode, row.modelStart])).toEqual([['T-1', 'merged', 'loop', null], ['T-2', 'merged', 'duet', null], ['T-3', 'draft', 'conductor', null]]);
    expect(after.slice(0, after.indexOf('- id: T-1'))).toBe(before.slice(0, before.indexOf('- id: T-1')));
    expect(rowText(after, 'T-3')).toBe(rowText(before, 'T-3'));
    // Each row the daemon ran keeps every byte a person wrote: its status is set in place and its bookkeeping follows.
    for (const id of ['T-1', 'T-2']) expect(rowText(after, id).startsWith(rowText(before, id).replace('status: pending', 'status: merged').trimEnd()), rowText(after, id)).toBe(true);
    for (const id of ['T-1', 'T-2', 'T-3']) expect(await readFile(join(user.stateDir, 'tasks', `${id}.md`))).toEqual(await readFile(join(FIXTURES, 'state', 'tasks', `${id}.md`)));
    await expect(readFile(join(user.stateDir, '.ccx', 'tasks', 'T-1.md'))).rejects.toThrow('ENOENT');
    expect(await readFile(join(user.repo, 'src/config/settings.md'), 'utf8')).toBe('Written for T-1.\n');
    const dispatched = (await audit(user)).filter((event) => event['event'] === 'task.dispatched');
    expect(dispatched.map((event) => [event['task'], event['tier'], event['mode']])).toEqual([['T-1', 'default', 'loop'], ['T-2', 'default', 'duet']]);
  });

  it('--dry-run prints the plan and why each other task waits, and writes nothing in STATE_DIR or the repository', async () => {
    const user = await servedLoopUser();
    await writeFile(user.board, (await readFile(user.board, 'utf8')).replace('  status: draft\n', '  status: pending\n').replace('      - lint/\n', '      - src/config/\n'));
    const state = await snapshot(user.stateDir);
    const repo = await snapshot(user.repo);
    const run = await runCli(['daemon', '--dry-run', '--start-tier', 'strong'], { cwd: user.repo, env: user.env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout.replaceAll(user.stateDir, '<state>').replaceAll(user.repo, '<repo>')).toBe([
      'Dry run: nothing is started and nothing is written.',
      '',
      '<repo> (<state>)',
      '  Would start now, in this order:',
      '    1. T-1 "Config: read the settings file": rung strong (opus/high, gpt-5.5), worktree <state>/worktrees/T-1 on branch ccx/T-1',
      '  Waiting:',
      '    T-2 "Docs: a usage page": waits for T-1 to be merged (depends_on)',
      '    T-3 "Lint: one rule per file": scope overlaps running T-1 on src/config/.keep',
      '',
    ].join('\n'));
    expect(await snapshot(user.stateDir)).toEqual(state);
    expect(await snapshot(user.repo)).toEqual(repo);
    expect((await runGit(user.repo, ['worktree', 'list'])).trim().split('\n')).toHaveLength(1);
  });

  it('--start-tier names a rung of the ladder or auto; anything else is a usage error', async () => {
    const user = await servedLoopUser();
    const bad = await runCli(['daemon', '--dry-run', '--start-tier', 'opus-max'], { cwd: user.repo, env: user.env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(`--start-tier "opus-max" is not a rung of the model ladder of ${user.stateDir}; its rungs are economy, default, strong, max (or auto: each task's own).`);
    const auto = await runCli(['daemon', '--dry-run', '--start-tier', 'auto'], { cwd: user.repo, env: user.env });
    expect(auto.stdout).toContain('1. T-1 "Config: read the settings file": rung default (sonnet/high, gpt-5.5)');
    expect((await runCli(['daemon', '--max-tasks', '0'], { cwd: user.repo, env: user.env })).stderr).toContain('--max-tasks must be a whole number of merges, 1 or more, but it is "0".');
  });

  it('--max-tasks 1 stops dispatching after one merge and exits once running work has ended; --start-tier sets the rung; commit_subject "{title}" is used by the daemon', async () => {
    const user = await servedLoopUser(['commit_subject: "{title}"']);
    const run = await runCli(['daemon', '--max-tasks', '1', '--start-tier', 'strong'], { cwd: user.repo, env: user.env, timeoutMs: 120_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    const rows = parseBoard(await readFile(user.board)).rows;
    expect(rows.map((row) => [row.id, row.status])).toEqual([['T-1', 'merged'], ['T-2', 'pending'], ['T-3', 'draft']]);
    const events = await audit(user);
    expect(events.filter((event) => event['event'] === 'task.dispatched').map((event) => [event['task'], event['tier']])).toEqual([['T-1', 'strong']]);
    expect(events.at(-1)).toMatchObject({ event: 'daemon.stopped', reason: 'max-tasks' });
    expect((await runGit(user.repo, ['log', '-1', '--format=%s%n%(trailers:key=Ccx-Task,valueonly)'])).trim()).toBe('Config: read the settings file\nT-1');
  });

  it('ccx tasks lists a brief that no board row names as ORPHAN', async () => {
    const user = await loopUser({ extra: { 'tasks/T-7.md': 'state/tasks/T-3.md' } });
    const listed = await runCli(['tasks'], { cwd: user.repo, env: user.env });
    expect(listed.stdout).toContain('T-7  ORPHAN   -         (a brief, tasks/T-7.md, that no board row names)');
    const json = JSON.parse((await runCli(['tasks', '--json'], { cwd: user.repo, env: user.env })).stdout) as Array<Record<string, unknown>>;
    expect(json.at(-1)).toEqual({ id: 'T-7', status: 'ORPHAN', brief: 'tasks/T-7.md', problems: [], notices: [] });
    expect(json).toHaveLength(4);
  });
});
