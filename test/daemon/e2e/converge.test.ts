import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processesOf, startDaemon, waitFor, world, type World } from '../../helpers/daemon.js';
import { runCli } from '../../helpers/cli.js';

const eventsOf = (events: Array<Record<string, unknown>>, name: string, id = 'T-1') => events.filter((event) => event['event'] === name && event['task'] === id);
const started = (events: Array<Record<string, unknown>>, role: string) => eventsOf(events, 'turn.started').filter((event) => event['role'] === role).length;

/** The board, git, the file system and the audit log agree that T-1 merged, exactly once, leaving nothing behind. */
async function expectMergedOnce(target: World): Promise<void> {
  const row = await target.row('T-1');
  expect([row?.status, row?.workerPid, row?.worktree, row?.branch], JSON.stringify(row?.fields)).toEqual(['merged', null, null, null]);
  expect(row?.commit).toMatch(/^[0-9a-f]{40}$/);
  const trailers = (await target.git('log', '--format=%(trailers:key=Ccx-Task,valueonly)', 'main')).split('\n').filter((line) => line.trim() === 'T-1');
  expect(trailers).toHaveLength(1);
  const events = await target.auditEvents();
  expect(eventsOf(events, 'task.finished').map((event) => event['status'])).toEqual(['merged']);
  expectOneRun(events);
  expect(existsSync(target.paths.worktree('T-1'))).toBe(false);
  expect((await target.git('branch', '--list', 'ccx/*')).trim()).toBe('');
  expect((await target.git('worktree', 'list', '--porcelain')).match(/^worktree /gm)).toHaveLength(1);
  expect((await readdir(target.paths.stateDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  expect(await processesOf(target.paths.stateDir)).toEqual([]);
}

/** The audit log tells T-1's run whole: one task.dispatched, before everything else of the run, and one task.finished. */
function expectOneRun(events: Array<Record<string, unknown>>): void {
  const names = events.filter((event) => event['task'] === 'T-1' && event['event'] !== 'board.written' && event['event'] !== 'board.restored').map((event) => String(event['event']));
  expect(names.filter((name) => name === 'task.dispatched'), names.join(', ')).toHaveLength(1);
  expect(names[0], names.join(', ')).toBe('task.dispatched');
  expect(names.filter((name) => name === 'task.finished'), names.join(', ')).toHaveLength(1);
}

/** T-1's daemon killed with -9 at `point`, the person's cancel saved while it is down, then `ccx daemon --once`. */
async function cancelledWhileDown(point: string): Promise<World> {
  const target = await world({ tasks: [{ id: 'T-1', title: 'one' }] });
  const doomed = startDaemon({ ...target, env: { ...target.env, CCX_CRASH_AT: point } });
  await doomed.exited(60_000);
  expect(doomed.child.signalCode, `it did not reach ${point}:\n${doomed.output()}`).toBe('SIGKILL');
  const board = await readFile(target.paths.board, 'utf8');
  await writeFile(target.paths.board, board.replace(/status: (running|pending)/, 'status: cancelled'));
  const second = startDaemon(target, ['--once']);
  expect(await second.exited(90_000), second.output()).toBe(0);
  return target;
}

describe('a stopped or killed daemon converges on restart', () => {
  it('SIGTERM mid-turn is an interruption, not a cancel: the next start resumes the turn and the task merges', { timeout: 120_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 2_500 }], env: { CCX_SHUTDOWN_GRACE_MS: '200' } });
    const first = startDaemon(target);
    await waitFor('the review turn to start', async () => started(await target.auditEvents(), 'reviewer') === 1, 60_000, first);
    first.child.kill('SIGTERM');
    expect(await first.exited(30_000), first.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('running');
    expect(await readFile(join(target.paths.runs, 'T-1', 'journal.jsonl'), 'utf8')).toContain('"type":"interrupted"');
    const second = startDaemon(target, ['--once']);
    expect(await second.exited(90_000), second.output()).toBe(0);
    await expectMergedOnce(target);
    const events = await target.auditEvents();
    // Resumed from the last completed turn: the implementer's turn is not run again, the review is.
    expect(started(events, 'implementer')).toBe(1);
    expect(started(events, 'reviewer')).toBe(2);
    expect(eventsOf(events, 'recovery.failed')).toEqual([]);
  });

  // Every journal record boundary of a task's life, and the steps between the merge and the end.
  const points = [
    'journal:dispatched:after',
    'journal:board:after',
    'journal:board-shown:before',
    'audit:task.dispatched:after',
    'journal:group:before',
    'journal:group:after',
    'journal:checkpoint:after',
    'journal:attempt-ended:after',
    'journal:merged:before',
    'journal:merged:after',
    'merge:workspace-removal:after',
    'journal:workspace-removed:after',
    'journal:finished:after',
    'journal:board:after@2',
    'journal:board-shown:before@2',
    'journal:announced:before',
    'audit:task.finished:after',
  ];
  it.each(points)('killed with -9 at %s, a restart leaves the row, git, the files and the audit log right', { timeout: 120_000 }, async (point) => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one' }] });
    const doomed = startDaemon({ ...target, env: { ...target.env, CCX_CRASH_AT: point } });
    const code = await doomed.exited(60_000);
    expect(doomed.child.signalCode, `it did not reach ${point}:\n${doomed.output()}`).toBe('SIGKILL');
    expect(code).toBe(null);
    const second = startDaemon(target, ['--once']);
    expect(await second.exited(90_000), second.output()).toBe(0);
    await expectMergedOnce(target);
  });

  it.each(['journal:merged:before', 'merge:workspace-removal:before'])('a cancel saved while the daemon was down after its squash commit landed (killed at %s) ends merged: nothing undoes a merge', { timeout: 120_000 }, async (point) => {
    const target = await cancelledWhileDown(point);
    await expectMergedOnce(target);
  });

  it.each(['journal:dispatched:after', 'journal:board-shown:before'])('a cancel saved while the daemon was down before it announced the dispatch (killed at %s) ends cancelled, the run told whole', { timeout: 120_000 }, async (point) => {
    const target = await cancelledWhileDown(point);
    expect((await target.row('T-1'))?.status).toBe('cancelled');
    const events = await target.auditEvents();
    expectOneRun(events);
    expect(eventsOf(events, 'task.finished').map((event) => event['status'])).toEqual(['cancelled']);
  });

  it('a person\'s cancel of a task that ended by itself is kept and told in the audit log once, also across a restart', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'fails' }], maxAttempts: 1, scenario: { implementer: { action: 'crash', message: 'boom' } } });
    const daemon = startDaemon(target);
    await waitFor('T-1 to fail', async () => (await target.row('T-1'))?.status === 'failed', 60_000, daemon);
    await writeFile(target.paths.board, (await readFile(target.paths.board, 'utf8')).replace('status: failed', 'status: cancelled'));
    await waitFor('the cancel in the audit log', async () => eventsOf(await target.auditEvents(), 'task.cancelled').length > 0, 20_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
    const again = startDaemon(target, ['--once']);
    expect(await again.exited(60_000), again.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('cancelled');
    const events = await target.auditEvents();
    expect(eventsOf(events, 'task.finished').map((event) => event['status'])).toEqual(['failed']);
    expect(eventsOf(events, 'task.cancelled').map((event) => [event['stopped'], event['attempt']])).toEqual([[false, 1]]);
    expect(eventsOf(events, 'board.restored')).toEqual([]);
  });

  // ccx writes a worker_pid only beside running: pending on a row that still shows the run is the
  // person's retry, typed on a stale buffer (chaos seed 1128639458 it 5 put such a row back to blocked).
  it('a person\'s pending typed on a stale buffer that still shows the run is taken as a retry once the task ended', { timeout: 120_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'fails', delayMs: 2_500 }], maxAttempts: 1, scenario: { implementer: { action: 'crash', message: 'boom' } } });
    const first = startDaemon(target, ['--once']);
    await waitFor('T-1 running with its worker', async () => (await target.row('T-1'))?.workerPid != null, 30_000, first);
    const staleBuffer = await readFile(target.paths.board, 'utf8');
    expect(await first.exited(60_000), first.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('failed');
    await writeFile(target.paths.board, staleBuffer.replace(/status: running/, 'status: pending'));
    const again = startDaemon(target, ['--once']);
    expect(await again.exited(60_000), again.output()).toBe(0);
    const events = await target.auditEvents();
    expect(eventsOf(events, 'task.dispatched')).toHaveLength(2);
    expect(eventsOf(events, 'task.finished').map((event) => event['status'])).toEqual(['failed', 'failed']);
    expect(eventsOf(events, 'board.restored')).toEqual([]);
    expect((await target.row('T-1'))?.status).toBe('failed');
  });

  it('a person\'s running → cancelled saved while ccx\'s final write waits behind an Emacs lock is kept (not judged a stale buffer)', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'fails', delayMs: 2_500 }], maxAttempts: 1, scenario: { implementer: { action: 'crash', message: 'boom' } } });
    const daemon = startDaemon(target);
    await waitFor('T-1 to show running', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    const lock = join(target.paths.stateDir, '.#BOARD.md');
    await symlink('person@host.1234:1700000000', lock);
    const journal = join(target.paths.runs, 'T-1', 'journal.jsonl');
    await waitFor('the journal to say T-1 finished', async () => (await readFile(journal, 'utf8')).includes('"type":"finished"'), 60_000, daemon);
    await waitFor('STATUS.md to show the write waiting', async () => (await readFile(target.paths.status, 'utf8').catch(() => '')).includes('waiting: board-busy'), 10_000, daemon);
    const text = await readFile(target.paths.board, 'utf8');
    await writeFile(target.paths.board, text.replace('status: running', 'status: cancelled'));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await rm(lock);
    await waitFor('ccx\'s bookkeeping to land', async () => (await target.row('T-1'))?.finishedAt !== null, 20_000, daemon);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const row = await target.row('T-1');
    expect([row?.status, row?.workerPid]).toEqual(['cancelled', null]);
    const events = await target.auditEvents();
    expect(eventsOf(events, 'task.finished')).toHaveLength(1);
    expect(eventsOf(events, 'merge.waiting').map((event) => String(event['reason']).split(':')[0])).toEqual(['board-busy']);
    expect(eventsOf(events, 'merge.resumed')).toHaveLength(1);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('daemon --once does not return while the merged transition waits behind an Emacs lock, and writes it once the lock goes', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one', delayMs: 1_500 }] });
    const daemon = startDaemon(target, ['--once']);
    await waitFor('T-1 to show running', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    const lock = join(target.paths.stateDir, '.#BOARD.md');
    await symlink('person@host.1234:1700000000', lock);
    const journal = join(target.paths.runs, 'T-1', 'journal.jsonl');
    await waitFor('the journal to say T-1 finished', async () => (await readFile(journal, 'utf8')).includes('"type":"finished"'), 60_000, daemon);
    await waitFor('STATUS.md to show the transition waiting', async () => (await readFile(target.paths.status, 'utf8').catch(() => '')).includes('T-1 one: waiting: board-busy — the transition to merged is journalled'), 10_000, daemon);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(daemon.child.exitCode, 'daemon --once returned with the transition unwritten').toBe(null);
    expect((await target.row('T-1'))?.status).toBe('running');
    await rm(lock);
    expect(await daemon.exited(30_000), daemon.output()).toBe(0);
    await expectMergedOnce(target);
  });

  it('daemon --once that returns with a merge waiting for a dirty checkout leaves it shown as a wait, with or without a daemon', { timeout: 90_000 }, async () => {
    const target = await world({ files: { 'data.txt': 'original\n' }, tasks: [{ id: 'T-1', title: 'change data', writes: { 'data.txt': 'changed by T-1\n' } }] });
    await writeFile(join(target.repo, 'data.txt'), 'my uncommitted edit\n');
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(60_000), daemon.output()).toBe(0);
    const status = await readFile(target.paths.status, 'utf8');
    expect(status).not.toContain('Nothing is running');
    expect(status).toContain(`T-1 change data: waiting: dirty-checkout — commit or stash data.txt in ${target.repo}`);
    const json = JSON.parse((await runCli(['status', '--json'], { cwd: target.repo, env: target.env })).stdout) as { repos: Array<{ tasks: Array<Record<string, unknown>> }> };
    expect(json.repos[0]?.tasks[0]?.['waiting']).toContain('waiting: dirty-checkout');
    expect((await runCli(['tasks'], { cwd: target.repo, env: target.env })).stdout).toContain('waiting: dirty-checkout');
    expect(eventsOf(await target.auditEvents(), 'merge.waiting')).toHaveLength(1);
    await target.git('checkout', '--', 'data.txt');
    const again = startDaemon(target, ['--once']);
    expect(await again.exited(60_000), again.output()).toBe(0);
    await expectMergedOnce(target);
    const events = await target.auditEvents();
    expect(eventsOf(events, 'merge.waiting')).toHaveLength(1);
    expect(eventsOf(events, 'merge.resumed')).toHaveLength(1);
  });

  it('on start removes the temp files of ccx processes that are gone, and keeps those of live ones', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'not yet', status: 'draft' }] });
    const dead = 2 ** 22 + 12_345;
    const gone = [join(target.paths.stateDir, `.BOARD.md.ccx-${dead}-0a1b2c3d.tmp`), join(target.paths.runs, 'T-9', `.journal.jsonl.ccx-${dead}-0a1b2c3d.tmp`)];
    const live = join(target.paths.stateDir, `.STATUS.md.ccx-${process.pid}-0a1b2c3d.tmp`);
    await mkdir(join(target.paths.runs, 'T-9'), { recursive: true });
    for (const path of [...gone, live]) await writeFile(path, 'partial');
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(30_000), daemon.output()).toBe(0);
    expect(gone.filter((path) => existsSync(path))).toEqual([]);
    expect(existsSync(live)).toBe(true);
  });
});
