import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { outOfScopePaths } from '../../src/git/scope/out-of-scope.js';
import { excludePathspec, SCOPE_GIT_ENV, withoutExcludeMagic } from '../../src/git/scope/pathspec.js';
import { scopesOverlap } from '../../src/git/scope/overlap.js';
import type { Scope } from '../../src/git/scope/types.js';
import { validatePathspecs } from '../../src/git/scope/validate.js';
import { engineRepo } from '../helpers/engine.js';
import { runGit } from '../helpers/gitdir.js';
import { seeded } from '../helpers/seeded.js';

const scope = (include: string[], exclude: string[] = []) => ({ include, exclude });

describe('pathspec validation', () => {
  it('accepts globs git accepts and reports the others in git’s words', async () => {
    const { repo, dir } = await engineRepo({ 'src/a.ts': '' });
    const checks = await validatePathspecs(repo, ['src/**', '**/*.test.ts', ':(icase)README.md', ':!docs', '', 'a\nb', '../x', '/etc/passwd', ':(bogus)x', ':#x', 'src/[a-']);
    expect(checks.map((check) => (check.ok ? `ok ${check.glob}` : `bad ${JSON.stringify(check.glob)}: ${check.error.split(dir).join('<repo>')}`))).toMatchInlineSnapshot(`
      [
        "ok src/**",
        "ok **/*.test.ts",
        "ok :(icase)README.md",
        "ok :!docs",
        "bad "": an empty string is not a pathspec; use "**" for the whole repository or leave include empty",
        "bad "a\\nb": a pathspec cannot contain a line break",
        "bad "../x": ../x: '../x' is outside repository at '<repo>'",
        "bad "/etc/passwd": "/etc/passwd" is absolute; scope globs are relative to the repository root (write "etc/passwd")",
        "bad ":(bogus)x": Invalid pathspec magic 'bogus' in ':(bogus)x'",
        "bad ":#x": Unimplemented pathspec magic '#' in ':#x'",
        "ok src/[a-",
      ]
    `);
  });
  const seed = Number(process.env['CCX_TEST_SEED'] ?? Date.now() % 100_000);
  it(`answers for generated globs what git answers asked about each one alone (seed ${seed})`, { timeout: 60_000 }, async () => {
    const { repo, dir } = await engineRepo({ 'src/a.ts': '', 'docs/b.md': '' });
    const random = seeded(seed);
    const parts = ['src', 'docs', '..', '.', '*', '**', '?', '[a-', ']', ':', ':(', 'glob)', 'x y', '\\', 'ü', '!', '#', '"', 'a:b'];
    const globs = Array.from({ length: 40 }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => parts[Math.floor(random() * parts.length)]).join(random() < 0.8 ? '/' : ''));
    const checks = await validatePathspecs(repo, globs);
    for (const [index, glob] of globs.entries()) {
      const check = checks[index];
      const gitSays = await new Promise<boolean>((resolve) => {
        execFile('git', ['ls-files', '-z', '--', glob], { cwd: dir, env: { ...process.env, ...SCOPE_GIT_ENV } }, (error) => resolve(error === null));
      });
      // ccx may refuse more than git (an absolute path, an empty string), never less.
      if (gitSays === false) expect(check?.ok, `seed ${seed}: ${JSON.stringify(glob)}`).toBe(false);
      else if (check?.ok === false) expect(glob === '' || glob.startsWith('/'), `seed ${seed}: ${JSON.stringify(glob)}: ${check.error}`).toBe(true);
    }
  });
});

describe('out-of-scope paths', () => {
  it('lists changed paths outside include minus exclude, both sides of a rename', async () => {
    const { repo, task } = await engineRepo({ 'src/a.ts': 'a\n', 'src/old.ts': 'old\n'.repeat(20), 'src/gen/x.ts': 'x\n', 'README.md': 'r\n' });
    const { path, head } = await task('T-1');
    await writeFile(join(path, 'src/a.ts'), 'a2\n');
    await writeFile(join(path, 'src/gen/x.ts'), 'x2\n');
    await writeFile(join(path, 'README.md'), 'r2\n');
    await mkdir(join(path, 'docs'));
    await runGit(path, ['mv', 'src/old.ts', 'docs/new.md']);
    const turn = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' });
    if (turn.empty) throw new Error('expected a commit');
    const out = await outOfScopePaths(repo, { worktree: path, base: head, head: turn.sha, scope: scope(['src/**'], ['src/gen/**']) });
    expect(out.sort()).toEqual(['README.md', 'docs/new.md', 'src/gen/x.ts']);
    expect(await outOfScopePaths(repo, { worktree: path, base: head, head: turn.sha, scope: scope([]) })).toEqual([]);
    expect((await outOfScopePaths(repo, { worktree: path, base: head, head: turn.sha, scope: scope([], ['src/gen']) })).sort()).toEqual(['src/gen/x.ts']);
    // An exclude that does not share the includes' leading folder (git ls-files gets this one wrong).
    expect((await outOfScopePaths(repo, { worktree: path, base: head, head: turn.sha, scope: scope(['src/**'], ['**/x.ts']) })).sort()).toEqual(['README.md', 'docs/new.md', 'src/gen/x.ts']);
  });

  it('reads globs the way git does in glob mode', async () => {
    const files = ['src/a/b/z.ts', 'src/a/y.ts', 'src/x.ts', 'top.md', 'src/é.ts', 'src/[ab].ts'];
    const { repo, task } = await engineRepo(Object.fromEntries(files.map((file) => [file, 'v1\n'])));
    const { path, head } = await task('T-1');
    for (const file of files) await writeFile(join(path, file), 'v2\n');
    const turn = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' });
    if (turn.empty) throw new Error('expected a commit');
    const inScope = async (glob: string): Promise<string[]> => {
      const out = await outOfScopePaths(repo, { worktree: path, base: head, head: turn.sha, scope: scope([glob]) });
      return files.filter((file) => !out.includes(file)).sort();
    };
    // `*` stays in its folder; a pattern with wildcards must match the whole path.
    expect(await inScope('src/*')).toEqual(['src/[ab].ts', 'src/x.ts', 'src/é.ts']);
    // Without wildcards a pattern is the path or a leading folder.
    expect(await inScope('src/a')).toEqual(['src/a/b/z.ts', 'src/a/y.ts']);
    expect(await inScope('src/')).toEqual(await inScope('src'));
    expect(await inScope('**/b')).toEqual([]);
    expect(await inScope('**/b/**')).toEqual(['src/a/b/z.ts']);
    expect(await inScope('src/**')).toEqual(['src/[ab].ts', 'src/a/b/z.ts', 'src/a/y.ts', 'src/x.ts', 'src/é.ts']);
    // `?` is one byte, not one character: é is two.
    expect(await inScope('src/?.ts')).toEqual(['src/x.ts']);
    expect(await inScope('src/??.ts')).toEqual(['src/é.ts']);
    // A class is a class; the literal file name only matches escaped.
    expect(await inScope('src/[ab].ts')).toEqual(['src/[ab].ts']);
    expect(await inScope('src/\\[ab].ts')).toEqual(['src/[ab].ts']);
    // After a literal head, `**` counts as starting a folder: `src/a**` reaches into src/a/.
    expect(await inScope('src/a**')).toEqual(['src/a/b/z.ts', 'src/a/y.ts']);
  });
});

describe('scope overlap', () => {
  it('finds tracked files both scopes cover and names them', async () => {
    const { repo } = await engineRepo({ 'src/a.ts': '', 'src/b.test.ts': '', 'test/c.test.ts': '', 'docs/x.md': '' });
    expect(await scopesOverlap(repo, scope(['src/**']), scope(['**/*.test.ts']))).toEqual({ overlap: true, reason: 'tracked', files: ['src/b.test.ts'], example: 'src/b.test.ts' });
    expect(await scopesOverlap(repo, scope([]), scope(['docs']))).toEqual({ overlap: true, reason: 'whole-repo', files: ['docs/x.md'], example: 'docs/x.md' });
    expect(await scopesOverlap(repo, scope(['src/**'], ['**/*.test.ts']), scope(['**/*.test.ts']))).toMatchObject({ overlap: false, reason: 'none', files: [] });
  });

  it('takes the tracked files from the lister it is given (the scheduler\'s remembers them per scope)', async () => {
    const { repo } = await engineRepo({ 'src/a.ts': '', 'lib/b.ts': '' });
    const asked: string[] = [];
    const remembered = (listed: Scope) => {
      asked.push(listed.include.join(','));
      return Promise.resolve(listed.include[0] === 'src/**' ? ['src/a.ts', 'src/remembered.ts'] : ['lib/b.ts', 'src/remembered.ts']);
    };
    expect(await scopesOverlap(repo, scope(['src/**']), scope(['**/*.ts']), remembered)).toEqual({ overlap: true, reason: 'tracked', files: ['src/remembered.ts'], example: 'src/remembered.ts' });
    expect(asked.sort()).toEqual(['**/*.ts', 'src/**']);
    expect(await scopesOverlap(repo, scope(['src/**']), scope(['**/*.ts']))).toEqual({ overlap: true, reason: 'tracked', files: ['src/a.ts'], example: 'src/a.ts' });
  });

  it('does not list tracked files for scopes no path can be in both of', async () => {
    const { repo } = await engineRepo({ 'src/a.ts': '', 'lib/b.ts': '' });
    const unasked = (listed: Scope): Promise<string[]> => Promise.reject(new Error(`listed ${listed.include.join(',')}`));
    expect(await scopesOverlap(repo, scope(['src/**']), scope(['lib/**']), unasked)).toEqual({ overlap: false, reason: 'none', files: [] });
    expect(await scopesOverlap(repo, scope(['src/**'], ['src/gen/**']), scope(['src/gen/**']), unasked)).toEqual({ overlap: false, reason: 'none', files: [] });
    await expect(scopesOverlap(repo, scope([]), scope(['lib/**']), unasked)).rejects.toThrow('listed');
  });

  it('finds globs that could match one path no file has yet', async () => {
    const { repo } = await engineRepo({ 'README.md': '' });
    expect(await scopesOverlap(repo, scope(['**/*.test.ts']), scope(['**/fixtures/**']))).toEqual({ overlap: true, reason: 'glob', files: [], example: 'fixtures/.test.ts' });
    expect(await scopesOverlap(repo, scope(['src/[a-c].ts']), scope(['src/b.ts']))).toMatchObject({ overlap: true, reason: 'glob', example: 'src/b.ts' });
    expect(await scopesOverlap(repo, scope(['src/**'], ['src/gen/**']), scope(['src/**/*.ts']))).toMatchObject({ overlap: true, reason: 'glob', example: 'src/.ts' });
  });

  it('tells apart globs that cannot share a path: classes, two leading **, excludes', async () => {
    const { repo } = await engineRepo({ 'README.md': '' });
    for (const [a, b] of [
      [scope(['src/[ab]*.ts']), scope(['src/c*.ts'])],
      [scope(['**/*.md']), scope(['**/*.ts'])],
      [scope(['src/**'], ['src/gen/**']), scope(['src/gen/**'])],
      [scope(['src/*']), scope(['src/a/y.ts'])],
      [scope(['docs']), scope(['doc'])],
    ] as const) {
      expect(await scopesOverlap(repo, a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toEqual({ overlap: false, reason: 'none', files: [] });
    }
  });

  it('treats magic it cannot model as matching anything', async () => {
    const { repo } = await engineRepo({ 'README.md': '' });
    expect(await scopesOverlap(repo, scope([':(attr:lfs)assets']), scope(['src/**']))).toMatchObject({ overlap: true, reason: 'glob' });
  });

  it('uses the person’s index: a file deleted from disk but tracked still counts', async () => {
    const { repo, dir } = await engineRepo({ 'lib/x.js': '' });
    await rm(join(dir, 'lib/x.js'));
    expect(await scopesOverlap(repo, scope(['lib']), scope(['**/*.js']))).toMatchObject({ reason: 'tracked', files: ['lib/x.js'] });
  });
});

describe('exclude pathspecs', () => {
  it('adds exclude magic to whatever magic an entry has, and can take it away again', () => {
    const cases = ['gen/**', ':(icase)GEN', ':/gen', ':!gen', '::gen', ':(attr:x,icase)gen'];
    expect(cases.map((glob) => [excludePathspec(glob), withoutExcludeMagic(excludePathspec(glob))])).toEqual([
      [':(exclude)gen/**', ':()gen/**'],
      [':(exclude,icase)GEN', ':(icase)GEN'],
      [':!/gen', ':/:gen'],
      [':!!gen', '::gen'],
      [':!:gen', '::gen'],
      [':(exclude,attr:x,icase)gen', ':(attr:x,icase)gen'],
    ]);
  });
});
