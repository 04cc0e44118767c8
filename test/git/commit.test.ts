import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changedPathsSince } from '../../src/git/commit/changed-paths.js';
import { turnCommitMessage } from '../../src/git/commit/message.js';
import { commitTurn } from '../../src/git/commit/turn.js';
import { engineRepo, messageOf, revParse } from '../helpers/engine.js';
import { runGit } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';

/** The commit hooks a person may have; ccx's git calls run none of them (hooks are off for them: see test/git/hooks-and-limits.test.ts). */
const HOOKS = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite'];

describe('turn commits', () => {
  it('builds the turn message', () => {
    expect(turnCommitMessage({ id: 'T-7', attempt: 2, cycle: 3, role: 'implementer' })).toBe('T-7 a2 c3 implementer');
  });

  it('commits every kind of change, told apart exactly, with no hook run', async () => {
    const { repo, task, worktreePath, dir } = await engineRepo({ 'keep.txt': 'keep\n', 'edit.txt': 'old\n', 'gone.txt': 'bye\n', 'run.sh': 'echo\n', 'moved/from.ts': 'export const a = 1;\n'.repeat(20) });
    const hookLog = join(await testdir(), 'hooks.log');
    for (const hook of HOOKS) {
      await writeFile(join(dir, '.git', 'hooks', hook), `#!/bin/sh\necho ${hook} >> '${hookLog}'\n`, { mode: 0o755 });
    }
    const { path, head } = { ...(await task('T-1')) };
    await writeFile(join(path, 'edit.txt'), 'new\n');
    await rm(join(path, 'gone.txt'));
    await chmod(join(path, 'run.sh'), 0o755);
    await mkdir(join(path, 'moved', 'to'), { recursive: true });
    await runGit(path, ['mv', 'moved/from.ts', 'moved/to/renamed.ts']);
    await writeFile(join(path, 'added.md'), '# new\n');
    const turn = await commitTurn(repo, { worktree: worktreePath('T-1'), message: 'T-1 a1 c1 implementer', branch: 'ccx/T-1' });
    if (turn.empty) throw new Error('expected a commit');
    expect(turn.parents).toEqual([head]);
    expect(sortByPath(turn.changes)).toEqual([
      { path: 'added.md', status: 'added', newMode: '100644' },
      { path: 'edit.txt', status: 'modified' },
      { path: 'gone.txt', status: 'deleted', oldMode: '100644' },
      { path: 'moved/to/renamed.ts', status: 'renamed', oldPath: 'moved/from.ts' },
      { path: 'run.sh', status: 'mode', oldMode: '100644', newMode: '100755' },
    ]);
    expect(await revParse(path, 'ccx/T-1')).toBe(turn.sha);
    expect((await runGit(path, ['log', '-1', '--format=%s%n%an <%ae>'])).trim()).toBe('T-1 a1 c1 implementer\nTest Person <person@example.com>');
    expect((await runGit(path, ['status', '--porcelain'])).trim()).toBe('');
    expect(await readFile(hookLog, 'utf8').catch(() => 'no hook ran')).toBe('no hook ran');
  });

  it('reports a turn that changed nothing (ignored files included) as empty and makes no commit', async () => {
    const { repo, task } = await engineRepo({ '.gitignore': 'build/\n', 'a.txt': 'a\n' });
    const { path, head } = await task('T-1');
    await mkdir(join(path, 'build'));
    await writeFile(join(path, 'build', 'out.js'), 'generated\n');
    await writeFile(join(path, 'a.txt'), 'a\n');
    expect(await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' })).toEqual({ empty: true, head });
    expect(await revParse(path, 'HEAD')).toBe(head);
  });

  it('tells a mode-only change from a content change', async () => {
    const { repo, task } = await engineRepo({ 'tool.sh': '#!/bin/sh\n' });
    const { path } = await task('T-1');
    await chmod(join(path, 'tool.sh'), 0o755);
    const turn = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' });
    expect(turn).toMatchObject({ empty: false, changes: [{ path: 'tool.sh', status: 'mode', oldMode: '100644', newMode: '100755' }] });
  });

  it('keeps odd names exact: spaces, quotes, unicode, a leading dash, and binary content', async () => {
    const { repo, task } = await engineRepo();
    const { path } = await task('T-1');
    const names = ['with space.txt', 'quote"d\'.txt', 'ünïcødé/日本.md', '-leading-dash.txt', 'tab\there.txt', 'back\\slash.txt'];
    for (const name of names) {
      await mkdir(join(path, name, '..'), { recursive: true });
      await writeFile(join(path, name), `${name}\n`);
    }
    const binary = Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]);
    await writeFile(join(path, 'image.bin'), binary);
    const turn = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' });
    if (turn.empty) throw new Error('expected a commit');
    expect(turn.changes.map((change) => change.path).sort()).toEqual([...names, 'image.bin'].sort());
    const stored = await runGitBuffer(path, ['cat-file', 'blob', `${turn.sha}:image.bin`]);
    expect(stored.equals(binary)).toBe(true);
  });

  it('lists the paths changed on the branch since its base, both sides of a rename', async () => {
    const { repo, task } = await engineRepo({ 'a.txt': 'alpha\n'.repeat(10), 'b.txt': 'b\n' });
    const { path, head } = await task('T-1');
    await runGit(path, ['mv', 'a.txt', 'c.txt']);
    await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' });
    await writeFile(join(path, 'b.txt'), 'bee\n');
    await commitTurn(repo, { worktree: path, message: 'T-1 a1 c2 implementer' });
    expect((await changedPathsSince(repo, path, head)).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('refuses to commit on a detached HEAD or on another branch', async () => {
    const { repo, task } = await engineRepo();
    const { path } = await task('T-1');
    await runGit(path, ['checkout', '--quiet', '--detach']);
    const detached = await commitTurn(repo, { worktree: path, message: 'x', branch: 'ccx/T-1' }).catch((error: unknown) => error);
    expect(detached).toMatchObject({ code: 'GIT_DETACHED' });
    expect(messageOf(detached, { [path]: '<worktree>' })).toMatchInlineSnapshot(`
      "the worktree <worktree> has a detached HEAD, so its turn cannot be committed on a branch.
      Check out ccx/T-1 in <worktree> (git switch ccx/T-1) and retry."
    `);
    await runGit(path, ['switch', '--quiet', '-c', 'elsewhere']);
    const moved = await commitTurn(repo, { worktree: path, message: 'x', branch: 'ccx/T-1' }).catch((error: unknown) => error);
    expect(messageOf(moved, { [path]: '<worktree>' })).toMatchInlineSnapshot(`
      "the worktree <worktree> is on elsewhere, expected ccx/T-1.
      Switch it back (git -C <worktree> switch ccx/T-1) and retry."
    `);
  });
});

describe('commit identity', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('falls back to ccx <ccx@localhost> when no identity is configured anywhere', async () => {
    const { repo, task } = await engineRepo();
    const { path } = await task('T-1');
    await runGit(path, ['config', '--unset', 'user.name']);
    await runGit(path, ['config', '--unset', 'user.email']);
    const home = await testdir();
    Object.assign(process.env, { HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1' });
    for (const key of ['GIT_CONFIG_GLOBAL', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL']) delete process.env[key];
    await writeFile(join(path, 'x.txt'), 'x\n');
    const turn = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' });
    if (turn.empty) throw new Error('expected a commit');
    const ident = await runGitPlain(path, ['log', '-1', '--format=%an <%ae>|%cn <%ce>']);
    expect(ident.trim()).toBe('ccx <ccx@localhost>|ccx <ccx@localhost>');
  });
});

function sortByPath<T extends { path: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.path.localeCompare(b.path));
}

/** git with the test process's own environment (runGit adds a test identity, which this must not see). */
async function runGitPlain(cwd: string, args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  return (await promisify(execFile)('git', args, { cwd })).stdout;
}

async function runGitBuffer(cwd: string, args: string[]): Promise<Buffer> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  return (await promisify(execFile)('git', args, { cwd, encoding: 'buffer' })).stdout;
}

