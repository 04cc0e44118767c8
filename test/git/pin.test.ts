import { readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { dirtyPaths } from '../../src/git/worktree/leftovers.js';
import { engineRepo, messageOf } from '../helpers/engine.js';
import { runGit } from '../helpers/gitdir.js';
import { loopFixture } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';

/** An implementer that does what a careless agent might: points its worktree's .git at the main repository, then edits. */
const REWRITING_AGENT = `
import { readFileSync, writeFileSync } from 'node:fs';
writeFileSync('.git', 'gitdir: ' + readFileSync(new URL('./main-git', import.meta.url), 'utf8') + '\\n');
writeFileSync('agent.txt', 'the agent was here\\n');
console.log('done');
`;

/** What the person's index and checkout hold: every staged entry and the status. */
async function personState(dir: string): Promise<{ index: string; status: string; indexBytes: Buffer }> {
  return {
    index: await runGit(dir, ['ls-files', '--stage']),
    status: await runGit(dir, ['status', '--porcelain']),
    indexBytes: await readFile(join(dir, '.git', 'index')),
  };
}

describe('task worktrees are pinned: an agent cannot point ccx at the person\'s checkout', () => {
  it('an implementer that rewrites its .git file fails the turn, and the person\'s staged file stays staged', async () => {
    const agentDir = await testdir({ 'rewrite.mjs': REWRITING_AGENT });
    const f = await loopFixture({
      files: { 'README.md': '# test\n', 'notes.txt': 'notes\n' },
      agents: { implementer: { type: 'command', argv: [process.execPath, join(agentDir, 'rewrite.mjs')], killGraceMs: 300 } },
    });
    // The fixture's repository is only known now: the agent reads its .git path from a file beside it.
    await writeFile(join(agentDir, 'main-git'), join(f.dir, '.git'));
    // The person's own work in progress: one staged file, one edit not staged.
    await writeFile(join(f.dir, 'staged.txt'), 'mine, staged\n');
    await runGit(f.dir, ['add', 'staged.txt']);
    await writeFile(join(f.dir, 'notes.txt'), 'notes, edited\n');
    const before = await personState(f.dir);
    expect(before.status).toBe(' M notes.txt\nA  staged.txt\n');

    const result = await f.run();

    const after = await personState(f.dir);
    expect(after.status).toBe(before.status);
    expect(after.index).toBe(before.index);
    expect(after.indexBytes.equals(before.indexBytes)).toBe(true);
    expect(result.exit).toBe('error');
    expect(messageOf({ message: result.message }, { [f.dir]: '<repo>', [f.input.worktree]: '<worktree>' })).toMatch(
      /^The implement step of cycle 1 failed: the \.git file of the worktree <worktree> was rewritten: it points at <repo>\/\.git instead of .*\/\.git\/worktrees\/T-1, the git folder ccx made for it \(an agent changed it, perhaps to reach another checkout\); ccx ran no git command there\./,
    );
    expect(await runGit(f.dir, ['rev-parse', 'ccx/T-1'])).toBe(await runGit(f.dir, ['rev-parse', 'main']));
  });

  it('an implementer that links its worktree\'s index to the person\'s index fails the turn, and the person\'s staged file stays staged', async () => {
    const agentDir = await testdir({ 'link-index.mjs': INDEX_LINKING_AGENT });
    const f = await loopFixture({
      files: { 'README.md': '# test\n', 'notes.txt': 'notes\n' },
      agents: { implementer: { type: 'command', argv: [process.execPath, join(agentDir, 'link-index.mjs')], killGraceMs: 300 } },
    });
    await writeFile(join(f.dir, 'staged.txt'), 'mine, staged\n');
    await runGit(f.dir, ['add', 'staged.txt']);
    const before = await personState(f.dir);
    expect(before.status).toBe('A  staged.txt\n');

    const result = await f.run();

    // Before the fix: git followed the link, so the person's index lost staged.txt and gained agent.txt.
    const after = await personState(f.dir);
    expect(after.status).toBe(before.status);
    expect(after.indexBytes.equals(before.indexBytes)).toBe(true);
    expect(result.exit).toBe('error');
    expect(messageOf({ message: result.message }, { [f.dir]: '<repo>', [f.input.worktree]: '<worktree>' })).toMatch(
      /^The implement step of cycle 1 failed: .*<repo>\/\.git\/worktrees\/T-1\/index .*symbolic link/,
    );
    expect(await runGit(f.dir, ['rev-parse', 'ccx/T-1'])).toBe(await runGit(f.dir, ['rev-parse', 'main']));
  });

  it('a task worktree swapped for a link to the person\'s own worktree is refused before git runs', async () => {
    const { repo, task, dir } = await engineRepo({ 'a.txt': 'a\n' });
    const { path } = await task('T-1');
    const mine = join(await testdir(), 'mine');
    await runGit(dir, ['worktree', 'add', '--quiet', '-b', 'mine', mine]);
    await writeFile(join(mine, 'staged.txt'), 'mine, staged\n');
    await runGit(mine, ['add', 'staged.txt']);
    const before = await runGit(mine, ['status', '--porcelain']);
    await rename(path, `${path}.moved`);
    await symlink(mine, path);

    const error = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer', branch: 'ccx/T-1' }).catch((caught: unknown) => caught);

    expect((error as { code?: string }).code).toBe('LINK_REFUSED');
    expect(await runGit(mine, ['status', '--porcelain'])).toBe(before);
  });

  it('a .git file turned into a link, a folder or garbage is refused before git runs', async () => {
    const { repo, task, dir } = await engineRepo({ 'a.txt': 'a\n' });
    const { path } = await task('T-1');
    const pointer = await readFile(join(path, '.git'), 'utf8');
    await writeFile(join(path, 'a.txt'), 'changed\n');

    await rm(join(path, '.git'));
    await symlink(join(dir, '.git'), join(path, '.git'));
    await expect(commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' })).rejects.toThrow(/the \.git file of the worktree .* is now a symbolic link \(an agent changed it\)/);

    await rm(join(path, '.git'));
    await writeFile(join(path, '.git'), 'not a pointer\n');
    await expect(dirtyPaths(repo, path)).rejects.toThrow(/no longer holds a gitdir: line/);

    await writeFile(join(path, '.git'), pointer);
    expect(await dirtyPaths(repo, path)).toEqual(['a.txt']);
    expect(await runGit(dir, ['status', '--porcelain'])).toBe('');
  });

  it('a worktree git no longer knows (its admin folder pointed elsewhere) is refused', async () => {
    const { repo, task, dir } = await engineRepo({ 'a.txt': 'a\n' });
    const { path } = await task('T-1');
    await writeFile(join(dir, '.git', 'worktrees', 'T-1', 'gitdir'), '/somewhere/else/.git\n');
    await expect(dirtyPaths(repo, path)).rejects.toThrow(/is not a worktree git knows in .*: no folder under .* points back at it/);
  });

  it('a worktree removed by hand while the agent works is reported as that, not as the agent\'s ENOENT', { timeout: 30_000 }, async () => {
    const agentDir = await testdir({ 'crash.mjs': REMOVED_WHILE_WORKING });
    const f = await loopFixture({ agents: { implementer: { type: 'command', argv: [process.execPath, join(agentDir, 'crash.mjs')], killGraceMs: 300 } } });
    const result = await f.run();
    expect(result.exit).toBe('error');
    expect(result.message.replaceAll(f.input.worktree, '<worktree>')).toBe(
      'The implement step of cycle 1 failed: the worktree <worktree> was removed while T-1 ran (the folder is gone), so ccx cannot go on with it. Its committed turns are kept on branch ccx/T-1: set the task to pending to check it out again and continue.',
    );
  });

  it('a worktree removed by hand between a turn and its commit is reported as that, not as git\'s ENOENT', { timeout: 30_000 }, async () => {
    const agentDir = await testdir({ 'gone.mjs': REMOVED_AFTER_WORK });
    const f = await loopFixture({ agents: { implementer: { type: 'command', argv: [process.execPath, join(agentDir, 'gone.mjs')], killGraceMs: 300 } } });
    const result = await f.run();
    expect(result.exit).toBe('error');
    expect(result.message.replaceAll(f.input.worktree, '<worktree>')).toMatch(/^The implement step of cycle 1 failed: the worktree <worktree> was removed while T-1 ran \(the folder is gone\)/);
  });
});

/** An implementer that replaces its worktree's index (in the admin folder its .git file names) with a link to the main repository's index, then edits. */
const INDEX_LINKING_AGENT = `
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
const gitDir = /^gitdir: (.+)$/m.exec(readFileSync('.git', 'utf8'))[1].trim();
rmSync(join(gitDir, 'index'), { force: true });
symlinkSync(join(resolve(gitDir, '..', '..'), 'index'), join(gitDir, 'index'));
writeFileSync('agent.txt', 'the agent was here\\n');
console.log('done');
`;

/** The person removes the worktree while the agent works; the agent then fails on its next write. */
const REMOVED_WHILE_WORKING = `
import { rmSync, writeFileSync } from 'node:fs';
rmSync(process.cwd(), { recursive: true, force: true });
writeFileSync('feature.txt', 'work\\n');
`;

/** The agent finishes its work; the worktree is removed before ccx commits the turn. */
const REMOVED_AFTER_WORK = `
import { rmSync, writeFileSync } from 'node:fs';
writeFileSync('feature.txt', 'work\\n');
rmSync(process.cwd(), { recursive: true, force: true });
console.log('done');
`;
