import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';
import { makeTempDir, removeDir, writeFiles } from './testdir.js';

const execFileAsync = promisify(execFile);

/** The identity and settings every test repository gets, so tests never depend on the machine's git config. */
export const TEST_GIT_ENV: Record<string, string> = {
  GIT_AUTHOR_NAME: 'Test Person',
  GIT_AUTHOR_EMAIL: 'person@example.com',
  GIT_COMMITTER_NAME: 'Test Person',
  GIT_COMMITTER_EMAIL: 'person@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `cwd` and returns stdout; throws with stderr when git fails. */
export async function runGit(cwd: string, args: string[], input?: string): Promise<string> {
  const child = execFileAsync('git', args, { cwd, env: { ...process.env, ...TEST_GIT_ENV }, maxBuffer: 256 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout;
}

export interface GitdirOptions {
  /** The first branch's name (default main). */
  branch?: string;
  /** Make no first commit (an empty repository). */
  noCommit?: boolean;
}

/**
 * A fresh git repository in a temp folder, with `files` in its first commit, removed when the test
 * finishes. user.name/user.email are set in the repository, as a person's clone would have them.
 */
export async function gitdir(files: Record<string, string | Uint8Array> = { 'README.md': '# test\n' }, options: GitdirOptions = {}): Promise<string> {
  const dir = await makeTempDir('ccx-git-');
  onTestFinished(() => removeDir(dir));
  await initRepo(dir, files, options);
  return dir;
}

export async function initRepo(dir: string, files: Record<string, string | Uint8Array>, options: GitdirOptions = {}): Promise<void> {
  await runGit(dir, ['init', '--quiet', `--initial-branch=${options.branch ?? 'main'}`]);
  await runGit(dir, ['config', 'user.name', 'Test Person']);
  await runGit(dir, ['config', 'user.email', 'person@example.com']);
  await runGit(dir, ['config', 'commit.gpgsign', 'false']);
  await writeFiles(dir, files);
  if (options.noCommit === true) return;
  await runGit(dir, ['add', '--all']);
  await runGit(dir, ['commit', '--quiet', '--allow-empty', '-m', 'initial']);
}

/** Commits everything in `dir` with `message`; returns the new commit id. */
export async function commitAll(dir: string, message: string): Promise<string> {
  await runGit(dir, ['add', '--all']);
  await runGit(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
  return (await runGit(dir, ['rev-parse', 'HEAD'])).trim();
}

export { makeTempDir, removeDir };
