import { execFileSync } from 'node:child_process';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { findTaskCommit } from '../../src/merge/find-task.js';
import { squashMerge, type SquashMergeInput } from '../../src/merge/squash.js';
import { expectCheckoutKept, expectFsckClean, snapshotCheckout } from '../helpers/checkout.js';
import { engineRepo, messageOf, nul, revParse, writeInto } from '../helpers/engine.js';
import { TEST_GIT_ENV, runGit } from '../helpers/gitdir.js';
import { holdLock } from '../helpers/lock.js';

const MERGE: Omit<SquashMergeInput, 'overrides'> = { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Add the feature', body: 'Cycles: 2. Verdict: approve.' };

/** A repository with task T-1 whose branch changed `files` in one turn. */
async function taskWith(files: Record<string, string | Uint8Array | null>, initial: Record<string, string | Uint8Array> = { 'a.txt': 'a\n', 'b.txt': 'b\n' }) {
  const fixture = await engineRepo(initial);
  const worktree = await fixture.task('T-1');
  await writeInto(worktree.path, files);
  await commitTurn(fixture.repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
  return { ...fixture, worktree };
}

describe('squash merge', () => {
  it('lands one squash commit by compare-and-swap where the integration branch is checked out nowhere', async () => {
    const { repo, dir, worktree } = await taskWith({ 'a.txt': 'a, changed\n', 'new.txt': 'new\n' });
    await runGit(dir, ['switch', '--quiet', '-c', 'person']);
    const before = await snapshotCheckout(dir);
    const oldMain = await revParse(dir, 'main');
    const result = await squashMerge(repo, { ...MERGE, trailers: { 'Ccx-Attempt': '1' } });
    expect(result).toMatchObject({ status: 'merged', integration: 'main', checkout: null, filesChanged: ['a.txt', 'new.txt'] });
    if (result.status !== 'merged') return;
    expect(await revParse(dir, 'main')).toBe(result.sha);
    expect((await runGit(dir, ['rev-list', '--parents', '-1', result.sha])).trim()).toBe(`${result.sha} ${oldMain}`);
    expect(await revParse(dir, `${result.sha}^{tree}`)).toBe(await revParse(dir, `${worktree.branch}^{tree}`));
    expect(await runGit(dir, ['log', '-1', '--format=%B', result.sha])).toBe('T-1: Add the feature\n\nCycles: 2. Verdict: approve.\n\nCcx-Attempt: 1\nCcx-Task: T-1\n\n');
    expect(await runGit(dir, ['interpret-trailers', '--parse'], await runGit(dir, ['log', '-1', '--format=%B', result.sha]))).toBe('Ccx-Attempt: 1\nCcx-Task: T-1\n');
    // A person's log settings do not change what is found.
    await runGit(dir, ['config', 'grep.patternType', 'fixed']);
    await runGit(dir, ['config', 'log.showSignature', 'true']);
    expect(await findTaskCommit(repo, 'main', 'T-1')).toEqual({ sha: result.sha, subject: 'T-1: Add the feature' });
    expect(await findTaskCommit(repo, 'main', 'T-12')).toBeNull();
    await expectCheckoutKept(dir, before);
    await expectFsckClean(dir);
  });

  it('merges onto an integration branch that moved on with unrelated commits, fast-forwarding the clean checkout', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'a, changed\n' });
    await writeInto(dir, { 'c.txt': 'from the person\n' });
    const theirs = await commitAllIn(dir, 'person works on c');
    const result = await squashMerge(repo, MERGE);
    expect(result).toMatchObject({ status: 'merged', checkout: dir, filesChanged: ['a.txt'] });
    if (result.status !== 'merged') return;
    expect((await runGit(dir, ['rev-parse', `${result.sha}^`])).trim()).toBe(theirs);
    expect(await revParse(dir, 'HEAD')).toBe(result.sha);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('a, changed\n');
    expect(await readFile(join(dir, 'c.txt'), 'utf8')).toBe('from the person\n');
    expect((await runGit(dir, ['status', '--porcelain'])).trim()).toBe('');
    await expectFsckClean(dir);
  });

  it('reports conflicting edits and changes nothing', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task version\n', 'b.txt': 'task b\n' });
    await writeInto(dir, { 'a.txt': 'person version\n' });
    const head = await commitAllIn(dir, 'person edits a');
    await writeInto(dir, { 'scratch.txt': 'untracked\n', 'b.txt': 'dirty b\n' });
    const before = await snapshotCheckout(dir);
    expect(await squashMerge(repo, MERGE)).toEqual({ status: 'conflict', files: ['a.txt'] });
    expect(await revParse(dir, 'main')).toBe(head);
    await expectCheckoutKept(dir, before);
    await expectFsckClean(dir);
  });

  it('waits, moving nothing, while the person has a file the merge changes modified, staged or in the way', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n', 'b.txt': 'task b\n', 'added.txt': 'task adds\n', 'out/gen.js': 'task adds gen\n' });
    await writeInto(dir, { '.gitignore': 'out/\n' });
    const head = await commitAllIn(dir, 'ignore out/');
    await writeInto(dir, { 'a.txt': 'person edits a\n', 'b.txt': 'person stages b\n', 'added.txt': 'person has an untracked one\n', 'out/gen.js': 'ignored, but theirs\n' });
    await runGit(dir, ['add', 'b.txt']);
    const before = await snapshotCheckout(dir);
    const result = await squashMerge(repo, MERGE);
    expect(result).toEqual({ status: 'waiting', reason: 'dirty-checkout', checkout: dir, files: ['a.txt', 'added.txt', 'b.txt', 'out/gen.js'], operation: null });
    expect(await revParse(dir, 'main')).toBe(head);
    await expectCheckoutKept(dir, before);
    await expectFsckClean(dir);
  });

  it('lands while the person has unrelated local changes, leaving them exactly as they were', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n', 'new/file.txt': 'new\n' });
    await writeInto(dir, { 'b.txt': 'person edits b\n', 'notes.md': 'untracked notes\n' });
    await runGit(dir, ['add', 'notes.md']);
    await writeInto(dir, { 'notes.md': 'untracked notes, edited after staging\n', 'scratch/x.txt': 'scratch\n' });
    const before = await snapshotCheckout(dir);
    const result = await squashMerge(repo, MERGE);
    expect(result).toMatchObject({ status: 'merged', checkout: dir });
    if (result.status !== 'merged') return;
    expect(await revParse(dir, 'HEAD')).toBe(result.sha);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('task a\n');
    expect(await readFile(join(dir, 'new/file.txt'), 'utf8')).toBe('new\n');
    await expectCheckoutKept(dir, before, result.filesChanged);
    await expectFsckClean(dir);
  });

  it('brings forward the integration branch checked out in a second worktree', async () => {
    const { repo, dir, worktreesRoot, task } = await taskWith({ 'a.txt': 'task a\n' });
    await runGit(dir, ['switch', '--quiet', '-c', 'person']);
    const second = join(worktreesRoot, '..', 'integration');
    await runGit(dir, ['worktree', 'add', '--quiet', second, 'main']);
    await writeInto(second, { 'b.txt': 'edited in the second worktree\n' });
    const before = await snapshotCheckout(second);
    const result = await squashMerge(repo, MERGE);
    expect(result).toMatchObject({ status: 'merged', checkout: second });
    if (result.status !== 'merged') return;
    expect(await revParse(second, 'HEAD')).toBe(result.sha);
    expect(await readFile(join(second, 'a.txt'), 'utf8')).toBe('task a\n');
    await expectCheckoutKept(second, before, result.filesChanged);
    await writeInto(second, { 'a.txt': 'now dirty where the next task writes\n' });
    const two = await task('T-2');
    await writeInto(two.path, { 'a.txt': 'task two\n' });
    await commitTurn(repo, { worktree: two.path, message: 'T-2 a1 c1 implementer' });
    const waiting = await squashMerge(repo, { ...MERGE, branch: 'ccx/T-2', id: 'T-2' });
    expect(waiting).toEqual({ status: 'waiting', reason: 'dirty-checkout', checkout: second, files: ['a.txt'], operation: null });
    await expectFsckClean(dir);
  });

  it('keeps odd names and binary content exact', async () => {
    const binary = Buffer.from([0, 159, 146, 150, 255, 0, 13, 10]);
    const files = { 'with space.txt': 's\n', 'quote"d\'.txt': 'q\n', 'ünï/日本.md': 'u\n', '-leading-dash.txt': 'd\n', 'image.bin': binary };
    const { repo, dir } = await taskWith(files);
    await writeInto(dir, { 'b.txt': 'person edits b\n' });
    const before = await snapshotCheckout(dir);
    const result = await squashMerge(repo, MERGE);
    expect(result).toMatchObject({ status: 'merged', checkout: dir });
    if (result.status !== 'merged') return;
    expect([...result.filesChanged].sort()).toEqual(Object.keys(files).sort());
    await expectCheckoutKept(dir, before, result.filesChanged);
    for (const [path, content] of Object.entries(files)) expect(await readFile(join(dir, path))).toEqual(Buffer.from(content));
    await expectFsckClean(dir);
  });

  it('lands a file the task deleted and one it renamed', async () => {
    const { repo, dir, worktree } = await engineRepo({ 'gone.txt': 'bye\n', 'old/name.ts': 'export const x = 1;\n'.repeat(30) }).then(async (fixture) => ({ ...fixture, worktree: await fixture.task('T-1') }));
    await writeInto(worktree.path, { 'gone.txt': null });
    await runGit(worktree.path, ['mv', 'old/name.ts', 'renamed.ts']);
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    const before = await snapshotCheckout(dir);
    const result = await squashMerge(repo, MERGE);
    expect(result).toMatchObject({ status: 'merged', filesChanged: ['gone.txt', 'old/name.ts', 'renamed.ts'] });
    await expectCheckoutKept(dir, before, ['gone.txt', 'old/name.ts', 'renamed.ts']);
    expect(nul(await runGit(dir, ['ls-files', '-z'])).sort()).toEqual(['renamed.ts']);
    expect(await readFile(join(dir, 'gone.txt')).catch(() => null)).toBeNull();
    await expectFsckClean(dir);
  });

  it('lands a task that changed nothing as an empty record', async () => {
    const { repo, dir, task } = await engineRepo();
    await task('T-1');
    const before = await snapshotCheckout(dir);
    const result = await squashMerge(repo, MERGE);
    expect(result).toMatchObject({ status: 'merged', filesChanged: [] });
    expect(await findTaskCommit(repo, 'main', 'T-1')).not.toBeNull();
    await expectCheckoutKept(dir, before);
    await expectFsckClean(dir);
  });

  it('lands a mode-only change, making the file executable in the checkout', async () => {
    const { repo, dir, task } = await engineRepo({ 'tool.sh': '#!/bin/sh\n' });
    const worktree = await task('T-1');
    await chmod(join(worktree.path, 'tool.sh'), 0o755);
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    const before = await snapshotCheckout(dir);
    expect(await squashMerge(repo, MERGE)).toMatchObject({ status: 'merged', filesChanged: ['tool.sh'], checkout: dir });
    expect((await stat(join(dir, 'tool.sh'))).mode & 0o111).toBe(0o111);
    await expectCheckoutKept(dir, before);
    await expectFsckClean(dir);
  });

  it('waits while another process holds the index.lock of the checkout for 2 s, then lands', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n' });
    const { released } = await holdLock(join(dir, '.git', 'index.lock'), 2_000);
    const started = Date.now();
    const result = await squashMerge(repo, MERGE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(result).toMatchObject({ status: 'merged', checkout: dir });
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('task a\n');
    await released;
    await expectFsckClean(dir);
  });

  it('a cancel while it waits for the checkout\'s lock stops it: nothing lands, then or after the lock goes', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n' });
    const before = await snapshotCheckout(dir);
    const oldMain = await revParse(dir, 'main');
    const { released } = await holdLock(join(dir, '.git', 'index.lock'), 1_500);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the task was cancelled')), 300);
    await expect(squashMerge(repo, { ...MERGE, signal: controller.signal })).rejects.toThrow('the task was cancelled');
    await released;
    expect(await revParse(dir, 'main')).toBe(oldMain);
    await expectCheckoutKept(dir, before);
    await expectFsckClean(dir);
  });

  it('a cancel before it began lands nothing, checked out or not', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n' });
    const oldMain = await revParse(dir, 'main');
    const controller = new AbortController();
    controller.abort(new Error('the task was cancelled'));
    await expect(squashMerge(repo, { ...MERGE, signal: controller.signal })).rejects.toThrow('the task was cancelled');
    await runGit(dir, ['switch', '--quiet', '-c', 'person']);
    await expect(squashMerge(repo, { ...MERGE, signal: controller.signal })).rejects.toThrow('the task was cancelled');
    expect(await revParse(dir, 'main')).toBe(oldMain);
  });

  it('waits while the person has a merge in progress in the checkout', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n' });
    await runGit(dir, ['switch', '--quiet', '-c', 'side']);
    await writeInto(dir, { 'b.txt': 'side b\n' });
    await commitAllIn(dir, 'side');
    await runGit(dir, ['switch', '--quiet', 'main']);
    await runGit(dir, ['merge', '--no-ff', '--no-commit', 'side']);
    const before = await snapshotCheckout(dir);
    expect(await squashMerge(repo, MERGE)).toEqual({ status: 'waiting', reason: 'dirty-checkout', checkout: dir, files: [], operation: 'merge' });
    await expectCheckoutKept(dir, before);
    await expectFsckClean(dir);
  });

  it('redoes the merge from the check when the integration branch moves under it', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n' });
    await runGit(dir, ['switch', '--quiet', '-c', 'person']);
    let moves = 0;
    const result = await squashMerge(repo, { ...MERGE, overrides: [{ path: 'a.txt', content: (current) => (moves++ === 0 ? commitOnMain(dir) : current) }] });
    expect(moves).toBe(2);
    expect(result).toMatchObject({ status: 'merged' });
    if (result.status !== 'merged') return;
    expect((await runGit(dir, ['log', '--format=%s', 'main'])).trim().split('\n')).toEqual(['T-1: Add the feature', 'moved', 'initial']);
    expect(await runGit(dir, ['show', 'main:moved.txt'])).toBe('1\n');
  });

  it('gives up, merging nothing, when the branch keeps moving', async () => {
    const { repo, dir } = await taskWith({ 'a.txt': 'task a\n' });
    await runGit(dir, ['switch', '--quiet', '-c', 'person']);
    const error = await squashMerge(repo, { ...MERGE, overrides: [{ path: 'a.txt', content: () => commitOnMain(dir) }] }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MERGE_RACE' });
    expect(messageOf(error)).toMatchInlineSnapshot(`
      "the branch main moved during each of 5 attempts to merge ccx/T-1 into it; nothing was merged.
      ccx retries the merge later; if something keeps committing to main in a loop, pause it."
    `);
    expect(await findTaskCommit(repo, 'main', 'T-1')).toBeNull();
  });
});

async function commitAllIn(dir: string, message: string): Promise<string> {
  await runGit(dir, ['add', '--all']);
  await runGit(dir, ['commit', '--quiet', '-m', message]);
  return revParse(dir, 'HEAD');
}

/** Another process commits on main (by plumbing, so it works wherever main is): returns null, "leave the file". */
function commitOnMain(dir: string): null {
  const env = { ...process.env, ...TEST_GIT_ENV };
  const git = (args: string[], input?: string): string => execFileSync('git', args, { cwd: dir, env, input, encoding: 'utf8' }).trim();
  const count = Number(git(['rev-list', '--count', 'main']));
  const blob = git(['hash-object', '-w', '--stdin'], `${count}\n`);
  const entries = git(['ls-tree', 'main']).split('\n').filter((line) => line !== '' && !line.endsWith('\tmoved.txt'));
  const tree = git(['mktree'], `${[...entries, `100644 blob ${blob}\tmoved.txt`].join('\n')}\n`);
  const commit = git(['commit-tree', tree, '-p', 'main', '-m', 'moved']);
  git(['update-ref', 'refs/heads/main', commit]);
  return null;
}
