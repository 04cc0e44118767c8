import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDaemon, waitFor, world, type World } from '../helpers/daemon.js';

async function journal(target: World, id: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(target.paths.stateDir, 'runs', id, 'journal.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function statusSays(target: World, text: string): Promise<boolean> {
  return (await readFile(target.paths.status, 'utf8').catch(() => '')).includes(text);
}

describe('the daemon\'s merge waits, and never redoes approved work', () => {
  it('a person resets main below the task\'s base mid-run: the task waits (base moved), and lands without the dropped commit only once it is back', { timeout: 90_000 }, async () => {
    const target = await world({ files: { 'a.txt': 'a\n' }, tasks: [{ id: 'T-1', title: 'add a feature', writes: { 'feature.txt': 'T-1\n' }, delayMs: 800 }] });
    const b0 = (await target.git('rev-parse', 'HEAD')).trim();
    await writeFile(join(target.repo, 'b1.txt'), 'B1\n');
    await target.git('add', 'b1.txt');
    await target.git('commit', '--quiet', '-m', 'B1');
    const b1 = (await target.git('rev-parse', 'HEAD')).trim();
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    await target.git('reset', '--quiet', '--hard', b0);

    await waitFor('STATUS.md to say the base moved', () => statusSays(target, 'waiting: base-moved — main no longer holds a commit the task was built on'), 45_000, daemon);
    expect((await target.git('rev-parse', 'main')).trim()).toBe(b0);
    expect(await target.git('ls-tree', '--name-only', 'main')).toBe('README.md\na.txt\n');
    expect((await journal(target, 'T-1')).filter((record) => record['type'] === 'merge-waiting')).toMatchObject([{ reason: 'base-moved', files: [] }]);
    expect((await target.row('T-1'))?.status).toBe('running');

    await target.git('reset', '--quiet', '--hard', b1);
    await waitFor('T-1 to merge', async () => (await target.row('T-1'))?.status === 'merged', 30_000, daemon);
    expect(await target.git('diff', '--name-only', b1, 'main')).toBe('feature.txt\n');
    expect((await target.auditEvents()).filter((event) => event['event'] === 'task.dispatched')).toHaveLength(1);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('an index.lock held through the merge: the task waits (index.lock), the lock is never deleted, and the approved attempt lands once it goes', { timeout: 90_000 }, async () => {
    const target = await world({ files: { 'a.txt': 'a\n' }, tasks: [{ id: 'T-1', title: 'add a feature', writes: { 'feature.txt': 'T-1\n' } }] });
    const lock = join(target.repo, '.git', 'index.lock');
    await writeFile(lock, '');
    const daemon = startDaemon(target);
    await waitFor('STATUS.md to say a lock holds the merge', () => statusSays(target, `waiting: index-lock — ${lock} is held by another git process`), 60_000, daemon);
    expect((await journal(target, 'T-1')).filter((record) => record['type'] === 'merge-waiting')).toMatchObject([{ reason: 'index-lock' }]);
    // Held twice the runner's own wait: still waiting, the lock still there.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(await readFile(lock, 'utf8')).toBe('');
    expect((await target.row('T-1'))?.status).toBe('running');

    await rm(lock);
    await waitFor('T-1 to merge', async () => (await target.row('T-1'))?.status === 'merged', 45_000, daemon);
    const row = await target.row('T-1');
    expect(row?.attempts).toBe(1);
    const events = await target.auditEvents();
    expect(events.filter((event) => event['event'] === 'task.dispatched')).toHaveLength(1);
    expect(events.filter((event) => event['event'] === 'turn.started' && event['role'] === 'implementer')).toHaveLength(1);
    expect(await readFile(join(target.repo, 'feature.txt'), 'utf8')).toBe('T-1\n');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });
});
