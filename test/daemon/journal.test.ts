import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalFactsCache } from '../../src/daemon/journal/facts-cache.js';
import { appendJournal, journalPath, readJournal } from '../../src/daemon/journal/journal.js';
import { foldJournal } from '../../src/daemon/journal/state.js';
import { testdir } from '../helpers/testdir.js';

describe('the run journal', () => {
  it('folds into where the task stands, and survives a line torn by a crash', async () => {
    const path = join(await testdir(), 'runs', 'T-3', 'journal.jsonl');
    await appendJournal(path, { type: 'dispatched', attempt: 1, rung: 'default', worktree: '/w', branch: 'ccx/T-3', base: 'b0' });
    await appendJournal(path, { type: 'board', fields: { status: 'running', attempts: 1 } });
    await appendJournal(path, { type: 'group', attempt: 1, pgid: 4242, token: 'tok' });
    await appendJournal(path, { type: 'checkpoint', attempt: 1, checkpoint: { cycle: 2 } });
    await appendFile(path, '{"type":"group-ended","pg');
    const facts = foldJournal(await readJournal(path));
    expect(facts).toMatchObject({ phase: 'active', attempt: 1, rung: 'default', worktree: '/w', checkpoint: { cycle: 2 }, liveGroups: [{ pgid: 4242, token: 'tok' }], board: { status: 'running', attempts: 1 } });
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(5);
  });

  it('records a finished task, a retry, and a merge', async () => {
    const path = join(await testdir(), 'journal.jsonl');
    await appendJournal(path, { type: 'dispatched', attempt: 1, rung: 'default', worktree: '/w', branch: 'ccx/T-1', base: 'b0' });
    await appendJournal(path, { type: 'attempt-ended', attempt: 1, exit: 'stuck', mergeable: false, head: 'h1', costUsd: 0.5, message: 'stuck', cycles: 3, commitBody: '' });
    await appendJournal(path, { type: 'finished', status: 'blocked', exitStatus: 'stuck', error: 'stuck' });
    expect(foldJournal(await readJournal(path))).toMatchObject({ phase: 'finished', costUsd: 0.5, finished: { status: 'blocked' } });
    await appendJournal(path, { type: 'retry' });
    await appendJournal(path, { type: 'dispatched', attempt: 2, rung: 'strong', worktree: '/w', branch: 'ccx/T-1', base: 'b0' });
    await appendJournal(path, { type: 'attempt-ended', attempt: 2, exit: 'approved', mergeable: true, head: 'h2', costUsd: 0.25, message: 'approved', cycles: 1, commitBody: 'body' });
    await appendJournal(path, { type: 'merging', head: 'h2' });
    const merging = foldJournal(await readJournal(path));
    expect(merging).toMatchObject({ phase: 'active', attempt: 2, costUsd: 0.75, merge: { state: 'merging', head: 'h2' }, lastAttempt: { exit: 'approved', mergeable: true } });
    await appendJournal(path, { type: 'merged', sha: 'c0ffee' });
    expect(foldJournal(await readJournal(path)).merge).toMatchObject({ state: 'merged', sha: 'c0ffee' });
  });

  it('folds a journal again only once it grew, and forgets a task whose journal is gone', async () => {
    const runs = join(await testdir(), 'runs');
    await appendJournal(journalPath(runs, 'T-1'), { type: 'dispatched', attempt: 1, rung: 'default', worktree: '/w1', branch: 'ccx/T-1', base: 'b0' });
    await appendJournal(journalPath(runs, 'T-2'), { type: 'dispatched', attempt: 1, rung: 'default', worktree: '/w2', branch: 'ccx/T-2', base: 'b0' });
    await mkdir(join(runs, 'T-3'));
    await mkdir(join(runs, 'T-4'));
    await writeFile(journalPath(runs, 'T-4'), '');
    await mkdir(join(runs, 'notes'));
    const cache = new JournalFactsCache(runs);
    const first = await cache.all();
    expect([...first.keys()].sort()).toEqual(['T-1', 'T-2']);
    const again = await cache.all();
    expect(again.get('T-1')).toBe(first.get('T-1'));
    expect(again.get('T-2')).toBe(first.get('T-2'));

    await appendJournal(journalPath(runs, 'T-1'), { type: 'finished', status: 'merged', exitStatus: 'approved', error: null });
    await appendJournal(journalPath(runs, 'T-4'), { type: 'dispatched', attempt: 1, rung: 'strong', worktree: '/w4', branch: 'ccx/T-4', base: 'b0' });
    const grown = await cache.all();
    expect(grown.get('T-1')).toMatchObject({ phase: 'finished', finished: { status: 'merged' } });
    expect(grown.get('T-2')).toBe(first.get('T-2'));
    expect(grown.get('T-4')).toMatchObject({ phase: 'active', rung: 'strong' });

    await rm(join(runs, 'T-2'), { recursive: true });
    expect([...(await cache.all()).keys()].sort()).toEqual(['T-1', 'T-4']);
    expect((await cache.all()).get('T-1')).toEqual(foldJournal(await readJournal(journalPath(runs, 'T-1'))));
  });
});
