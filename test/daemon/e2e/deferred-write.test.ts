import { readFile, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../../src/status/collect.js';
import { runCli } from '../../helpers/cli.js';
import { startDaemon, waitFor, world } from '../../helpers/daemon.js';

describe('a board write an editor holds back', () => {
  it('shows in STATUS.md, ccx status and status --json while Emacs holds .#BOARD.md; lands after, null-free, with no board.restored', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'slow', delayMs: 2_000 }] });
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    const lock = join(target.paths.stateDir, '.#BOARD.md');
    await symlink('person@host.4242:1700000000', lock);
    const deferred = 'board write deferred: Emacs has unsaved changes in BOARD.md (since ';
    await waitFor('STATUS.md to say the write is deferred', async () => (await readFile(target.paths.status, 'utf8').catch(() => '')).includes(deferred), 45_000, daemon);
    expect((await target.row('T-1'))?.status).toBe('running');
    const text = await runCli(['status'], { cwd: target.repo, env: target.env });
    expect(text.stdout).toContain(`  ${deferred}`);
    const report = JSON.parse((await runCli(['status', '--json'], { cwd: target.repo, env: target.env })).stdout) as StatusReport;
    expect(report.repos[0]?.board_write_deferred?.message).toMatch(/^board write deferred: Emacs has unsaved changes in BOARD\.md \(since \d\d:\d\d\)/);
    await unlink(lock);
    await waitFor('T-1 merged on the board once the lock is gone', async () => (await target.row('T-1'))?.status === 'merged', 30_000, daemon);
    await waitFor('STATUS.md to stop saying so', async () => !(await readFile(target.paths.status, 'utf8')).includes(deferred), 15_000, daemon);
    expect(await readFile(target.paths.board, 'utf8')).not.toMatch(/^\s*(worktree|branch|worker_pid|error):/m);
    expect((await target.auditEvents()).filter((event) => event['event'] === 'board.restored')).toEqual([]);
    // Command agents are shown as they are: `command` with their argv[0], never a ladder model such as sonnet/high.
    const events = await target.auditEvents();
    const dispatched = events.find((event) => event['event'] === 'task.dispatched');
    expect([dispatched?.['implementer'], dispatched?.['reviewer']]).toEqual([{ type: 'command', model: expect.not.stringMatching(/sonnet|gpt/), effort: null }, { type: 'command', model: expect.not.stringMatching(/sonnet|gpt/), effort: null }]);
    const started = events.filter((event) => event['event'] === 'turn.started');
    expect(started.length).toBeGreaterThan(0);
    for (const event of started) expect([event['agent'], event['model'], event['effort']]).toEqual(['command', (dispatched?.['implementer'] as { model: string }).model, null]);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });
});
