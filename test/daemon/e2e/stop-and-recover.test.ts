import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { processesOf, startDaemon, waitFor, world } from '../../helpers/daemon.js';

const started = (events: Array<Record<string, unknown>>, id: string, role: string) => events.filter((event) => event['event'] === 'turn.started' && event['task'] === id && event['role'] === role).length;

describe('stopping and recovering', () => {
  it('stops a running task within 5 s of a person flipping it to cancelled, and keeps its branch', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'forever' }], scenario: { implementer: { action: 'hang' } } });
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    await waitFor('the agent to start', async () => (await processesOf(target.paths.stateDir)).length > 0, 30_000, daemon);
    const text = await readFile(target.paths.board, 'utf8');
    await writeFile(target.paths.board, text.replace('status: running', 'status: cancelled'));
    const flipped = Date.now();
    await waitFor('T-1 to be recorded cancelled', async () => (await target.row('T-1'))?.exitStatus === 'cancelled', 15_000, daemon);
    await waitFor('no agent process left', async () => (await processesOf(target.paths.stateDir)).length === 0, 10_000, daemon);
    expect(Date.now() - flipped).toBeLessThan(5_000 + 1_000);
    expect((await target.git('rev-parse', '--verify', '--quiet', 'refs/heads/ccx/T-1')).trim()).toMatch(/^[0-9a-f]{40}$/);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('on SIGTERM stops agents that leave TERM-ignoring grandchildren, leaves no process, and keeps the tasks running on the board', { timeout: 60_000 }, async () => {
    const target = await world({
      tasks: [{ id: 'T-1', title: 'one', scope: ['a/**'] }, { id: 'T-2', title: 'two', scope: ['b/**'] }],
      scenario: { implementer: { action: 'grandchild', wait: true } },
      env: { CCX_SHUTDOWN_GRACE_MS: '1000' },
    });
    const daemon = startDaemon(target);
    await waitFor('both agents and their grandchildren', async () => (await processesOf(target.paths.stateDir)).length >= 4, 30_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited(30_000)).toBe(0);
    await waitFor('every agent process to be gone', async () => (await processesOf(target.paths.stateDir)).length === 0, 5_000);
    const board = await target.board();
    expect(board.rows.map((row) => row.status), JSON.stringify(board.rows.map((row) => row.error))).toEqual(['running', 'running']);
    const events = (await target.auditEvents()).map((event) => event['event']);
    expect(events).toContain('daemon.stopping');
    expect(events.at(-1)).toBe('daemon.stopped');
    expect(events).not.toContain('task.finished');
  });

  it('after kill -9 mid-review, a restarted daemon reaps the agents, resumes the review, and merges exactly once', { timeout: 120_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 2_000 }] });
    const first = startDaemon(target);
    // turn.started is written just before the agent is spawned: wait for its process too, so the kill finds one to leave behind.
    await waitFor('the review turn to start, its agent running', async () => started(await target.auditEvents(), 'T-1', 'reviewer') === 1 && (await processesOf(target.paths.stateDir)).length > 0, 60_000, first);
    first.child.kill('SIGKILL');
    await first.exited();
    expect((await processesOf(target.paths.stateDir)).length).toBeGreaterThan(0);
    const second = startDaemon(target, ['--once']);
    expect(await second.exited(90_000), second.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('merged');
    const trailers = (await target.git('log', '--format=%(trailers:key=Ccx-Task,valueonly)', 'main')).split('\n').filter((line) => line.trim() === 'T-1');
    expect(trailers).toHaveLength(1);
    const events = await target.auditEvents();
    expect(started(events, 'T-1', 'implementer')).toBe(1);
    expect(events.map((event) => event['event'])).toContain('recovery.resumed');
    expect(await processesOf(target.paths.stateDir)).toEqual([]);
  });

  it('a worktree removed by hand while the daemon was down is made again from the task branch, and the task still merges', { timeout: 120_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 2_000 }] });
    const first = startDaemon(target);
    await waitFor('the review turn to start', async () => started(await target.auditEvents(), 'T-1', 'reviewer') === 1, 60_000, first);
    first.child.kill('SIGKILL');
    await first.exited();
    for (const pid of await processesOf(target.paths.stateDir)) process.kill(pid, 'SIGKILL');
    const implemented = (await target.git('rev-parse', 'refs/heads/ccx/T-1')).trim();
    await target.git('worktree', 'remove', '--force', target.paths.worktree('T-1'));
    const second = startDaemon(target, ['--once']);
    expect(await second.exited(90_000), second.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('merged');
    const events = await target.auditEvents();
    expect(started(events, 'T-1', 'implementer')).toBe(1);
    // The implementer's commit, kept on the branch, is what merged.
    expect((await target.git('rev-parse', 'main^{tree}')).trim()).toBe((await target.git('rev-parse', `${implemented}^{tree}`)).trim());
    expect(await processesOf(target.paths.stateDir)).toEqual([]);
  });
});
