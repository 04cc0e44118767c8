import { readFile } from 'node:fs/promises';
import { git, splitNul, type GitRepo } from '../git/run.js';
import { resolveInside } from '../fs/inside.js';

const README = /^readme(\.(md|markdown|txt|rst|adoc))?$/i;
/** How much of the README is read (the prompt keeps less). */
const README_READ_CHARS = 64 * 1024;

/** Every tracked file of the main checkout's index, as git lists them. */
export async function trackedFiles(repo: GitRepo): Promise<string[]> {
  const result = await git(repo, ['ls-files', '-z'], { cwd: repo.root, readOnly: true });
  return splitNul(result.stdout);
}

/** The README at the top of the repository, if one is tracked, as the working tree has it. */
export async function readmeOf(repo: GitRepo, tracked: readonly string[]): Promise<{ name: string; text: string } | null> {
  const name = tracked.find((path) => README.test(path));
  if (name === undefined) return null;
  const text = await readFile(resolveInside(repo.root, name), 'utf8').catch(() => null);
  return text === null ? null : { name, text: text.slice(0, README_READ_CHARS) };
}
