import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon, waitFor, world } from '../../helpers/daemon.js';

describe('usage limits and merges that wait', () => {
  it('waits out a usage limit 2 s ahead and runs the same turn again, spending no attempt', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'limited' }], scenario: { reviewer: { action: 'limit', retryAfter: '2', times: 1, then: { action: 'inspect' } } } });
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(50_000), daemon.output()).toBe(0);
    const row = await target.row('T-1');
    expect([row?.status, row?.attempts]).toEqual(['merged', 1]);
    const events = await target.auditEvents();
    const paused = events.find((event) => event['event'] === 'limit.paused');
    const resumed = events.find((event) => event['event'] === 'limit.resumed');
    expect(paused?.['agent']).toBe('command');
    expect(Date.parse(resumed?.['time'] as string) - Date.parse(paused?.['time'] as string)).toBeGreaterThanOrEqual(1_500);
    const reviews = events.filter((event) => event['event'] === 'turn.finished' && event['role'] === 'reviewer').map((event) => event['outcome']);
    expect(reviews).toEqual(['usage-limit', 'ok']);
    expect(events.filter((event) => event['event'] === 'task.dispatched')).toHaveLength(1);
  });

  it('waits while the person\'s checkout has local changes in a file the merge changes, and lands once they are gone', { timeout: 90_000 }, async () => {
    const target = await world({
      files: { 'data.txt': 'original\n', 'notes.txt': 'mine\n' },
      tasks: [{ id: 'T-1', title: 'change data', writes: { 'data.txt': 'changed by T-1\n' }, delayMs: 500 }],
    });
    await writeFile(join(target.repo, 'data.txt'), 'my uncommitted edit\n');
    await writeFile(join(target.repo, 'notes.txt'), 'mine, edited\n');
    const daemon = startDaemon(target);
    await waitFor('the merge to wait', async () => (await target.auditEvents()).find((event) => event['event'] === 'merge.waiting'), 45_000, daemon);
    await waitFor('STATUS.md to say what to do', async () => (await readFile(target.paths.status, 'utf8').catch(() => '')).includes(`waiting: dirty-checkout — commit or stash data.txt in ${target.repo}`), 10_000, daemon);
    expect(await readFile(join(target.repo, 'data.txt'), 'utf8')).toBe('my uncommitted edit\n');
    expect((await target.row('T-1'))?.status).toBe('running');
    await target.git('checkout', '--', 'data.txt');
    await waitFor('T-1 to merge', async () => (await target.row('T-1'))?.status === 'merged', 20_000, daemon);
    expect(await readFile(join(target.repo, 'data.txt'), 'utf8')).toBe('changed by T-1\n');
    expect(await readFile(join(target.repo, 'notes.txt'), 'utf8')).toBe('mine, edited\n');
    expect((await target.git('status', '--porcelain')).trim()).toBe('M notes.txt');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('gives a merge conflict one resolve turn, then blocks the task naming the files; the person\'s commit stays', { timeout: 90_000 }, async () => {
    const target = await world({
      files: { 'data.txt': 'original\n' },
      // The implementer edits data.txt in cycle 1 only: in the resolve turn it changes nothing, so the markers stay.
      tasks: [{ id: 'T-1', title: 'change data', scope: ['data.txt'], delayMs: 1_000 }],
      scenario: { implementer: { action: 'edit', files: { 1: { 'data.txt': 'changed by T-1\n' } } } },
    });
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    await writeFile(join(target.repo, 'data.txt'), 'changed by the person\n');
    await target.git('commit', '--quiet', '-am', 'person edits data.txt');
    const personHead = (await target.git('rev-parse', 'HEAD')).trim();
    await waitFor('T-1 to be blocked', async () => (await target.row('T-1'))?.status === 'blocked', 60_000, daemon);
    const row = await target.row('T-1');
    expect(row?.exitStatus).toBe('conflict');
    expect(row?.error).toContain('data.txt');
    const events = await target.auditEvents();
    expect(events.filter((event) => event['event'] === 'merge.conflict').map((event) => event['resolve'])).toEqual([true]);
    expect(events.some((event) => event['event'] === 'turn.started' && event['phase'] === 'resolve')).toBe(true);
    expect((await target.git('rev-parse', 'main')).trim()).toBe(personHead);
    expect(await readFile(join(target.repo, 'data.txt'), 'utf8')).toBe('changed by the person\n');
    expect((await target.git('status', '--porcelain')).trim()).toBe('');
    expect((await target.git('rev-parse', '--verify', '--quiet', 'refs/heads/ccx/T-1')).trim()).toMatch(/^[0-9a-f]{40}$/);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });
});
