import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendJournal, readJournal } from '../../src/daemon/journal/journal.js';
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
});
