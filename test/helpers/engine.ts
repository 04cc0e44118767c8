import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { openRepo } from '../../src/git/repo.js';
import type { GitRepo } from '../../src/git/run.js';
import { createTaskWorktree, type TaskWorktree } from '../../src/git/worktree/create.js';
import { gitdir, runGit } from './gitdir.js';
import { testdir } from './testdir.js';

export interface EngineRepo {
  dir: string;
  repo: GitRepo;
  /** STATE_DIR/worktrees of a fresh temp STATE_DIR. */
  worktreesRoot: string;
  worktreePath: (id: string) => string;
  /** Creates the task's worktree from `main`. */
  task: (id: string) => Promise<TaskWorktree>;
}

/** A fresh repository (first commit on main holding `files`) and a fresh STATE_DIR, both removed after the test. */
export async function engineRepo(files?: Record<string, string | Uint8Array>): Promise<EngineRepo> {
  const dir = await gitdir(files);
  const repo = await openRepo(dir);
  const worktreesRoot = join(await testdir(), 'worktrees');
  const worktreePath = (id: string): string => join(worktreesRoot, id);
  return { dir, repo, worktreesRoot, worktreePath, task: (id) => createTaskWorktree(repo, { id, path: worktreePath(id), integration: 'main' }) };
}

export async function revParse(cwd: string, rev: string): Promise<string> {
  return (await runGit(cwd, ['rev-parse', '--verify', rev])).trim();
}

/** Splits `git ... -z` output. */
export function nul(output: string): string[] {
  return output.split('\0').filter((entry) => entry !== '');
}

/** The error's message and hint, with machine-specific paths replaced. */
export function messageOf(error: unknown, replacements: Record<string, string> = {}): string {
  const { message, hint } = error as { message: string; hint?: string };
  let text = hint === undefined ? message : `${message}\n${hint}`;
  for (const [from, to] of Object.entries(replacements).sort((a, b) => b[0].length - a[0].length)) text = text.split(from).join(to);
  return text;
}

/** Writes (or, for null, deletes) files under `dir`. */
export async function writeInto(dir: string, files: Record<string, string | Uint8Array | null>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    if (content === null) {
      await rm(full, { force: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}
