import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boardText, briefText, startDaemon, waitFor, world } from '../../helpers/daemon.js';

describe('the board and the inbox while tasks run', () => {
  it('keeps running tasks going on a board made invalid, starts nothing new from it, and goes on once it is fixed', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 1_500, scope: ['a/**'] }] });
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    await writeFile(target.paths.brief('T-2'), briefText({ id: 'T-2', title: 'added while broken', scope: ['b/**'] }));
    const running = await readFile(target.paths.board, 'utf8');
    const withNew = running.replace('\n```\n', '\n\n- id: T-2\n  title: added while broken\n  status: pending\n  scope: [b/**]\n```\n');
    await writeFile(target.paths.board, withNew.replace('## Tasks', '## Tasks\n').replace('  title: added while broken', '  title: [added while broken'));
    const broken = await waitFor('the board to be reported invalid', async () => (await target.auditEvents()).find((event) => event['event'] === 'board.invalid'), 15_000, daemon);
    expect(String((broken['messages'] as string[])[0])).toMatch(/^\d+:\d+: the Tasks YAML does not parse/);
    await waitFor('STATUS.md to show the problem', async () => /## Problems[\s\S]*BOARD\.md:\d+:\d+: the Tasks YAML does not parse/.test(await readFile(target.paths.status, 'utf8').catch(() => '')), 10_000, daemon);
    await waitFor('T-1 to finish meanwhile', async () => (await target.auditEvents()).some((event) => event['event'] === 'task.finished' && event['task'] === 'T-1'), 60_000, daemon);
    expect((await target.auditEvents()).some((event) => event['event'] === 'task.dispatched' && event['task'] === 'T-2')).toBe(false);
    await writeFile(target.paths.board, withNew);
    await waitFor('T-2 to merge once the board is fixed', async () => (await target.row('T-2'))?.status === 'merged', 30_000, daemon);
    await waitFor('T-1 merged written back to the board', async () => (await target.row('T-1'))?.status === 'merged', 10_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('writes back what a stale editor buffer reverted on a running row', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 3_000 }] });
    const stale = await readFile(target.paths.board, 'utf8');
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    await writeFile(target.paths.board, stale);
    expect((await target.row('T-1'))?.status).toBe('pending');
    await waitFor('running written back', async () => {
      const row = await target.row('T-1');
      return row?.status === 'running' && row.attempts === 1 && row.branch === 'ccx/T-1';
    }, 10_000, daemon);
    await waitFor('T-1 to merge', async () => (await target.row('T-1'))?.status === 'merged', 30_000, daemon);
    const dispatched = (await target.auditEvents()).filter((event) => event['event'] === 'task.dispatched');
    expect(dispatched).toHaveLength(1);
    // The revert is logged once, with the fields it took back; the end's own write restores nothing.
    const restored = (await target.auditEvents()).filter((event) => event['event'] === 'board.restored');
    expect(restored.map((event) => [event['task'], event['fields']])).toEqual([['T-1', ['status', 'attempts', 'worktree', 'branch', 'worker_pid', 'started_at']]]);
    // A finished row carries no bookkeeping field whose value is null.
    expect(await readFile(target.paths.board, 'utf8')).not.toMatch(/^\s*(worktree|branch|worker_pid|error):/m);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('takes inbox submissions while a task runs, and rejects those past CCX_MAX_QUEUE_DEPTH', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 2_000 }], parallel: 1, env: { CCX_MAX_QUEUE_DEPTH: '2' } });
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    const inbox = join(target.repo, '.ccx', 'inbox');
    for (const name of ['a', 'b', 'c', 'd']) await writeFile(join(inbox, `${name}.md`), `---\ntitle: submitted ${name}\n---\nDo ${name}.\n`);
    // A rejection is complete once its .error.txt is written (the file itself moves first).
    await waitFor('all four filed', async () => (await readdir(join(inbox, 'accepted')).catch(() => [])).length + (await readdir(join(inbox, 'rejected')).catch(() => [])).filter((name) => name.endsWith('.error.txt')).length === 4, 15_000, daemon);
    const accepted = (await readdir(join(inbox, 'accepted'))).sort();
    const rejected = (await readdir(join(inbox, 'rejected'))).sort();
    expect(accepted).toEqual(['T-2-a.md', 'T-3-b.md']);
    expect(rejected).toEqual(['c.md', 'c.md.error.txt', 'd.md', 'd.md.error.txt']);
    expect(await readFile(join(inbox, 'rejected', 'c.md.error.txt'), 'utf8')).toContain('the queue already holds 2 pending tasks (CCX_MAX_QUEUE_DEPTH is 2)');
    expect((await target.board()).rows.map((row) => [row.id, row.title])).toEqual([['T-1', 'slow'], ['T-2', 'submitted a'], ['T-3', 'submitted b']]);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('keeps the last good board while BOARD.md is empty (an editor mid-save): nothing rewritten, the running task goes on', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 1_500 }] });
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    const running = await readFile(target.paths.board, 'utf8');
    await writeFile(target.paths.board, '');
    await waitFor('T-1 to finish meanwhile', async () => (await target.auditEvents()).some((event) => event['event'] === 'task.finished' && event['task'] === 'T-1'), 30_000, daemon);
    expect(await readFile(target.paths.board, 'utf8')).toBe('');
    expect(await readFile(target.paths.status, 'utf8')).toContain('BOARD.md is empty (an editor mid-save?): the last good board stays in force');
    await writeFile(target.paths.board, running);
    await waitFor('merged written once the save completes', async () => (await target.row('T-1'))?.status === 'merged', 10_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('writes the rows a fresh board gets', async () => {
    expect(boardText([{ id: 'T-1', title: 'x' }])).toContain('- id: T-1\n  title: "x"\n  status: pending\n  brief: tasks/T-1.md');
  });
});
