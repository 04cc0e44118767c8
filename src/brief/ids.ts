import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { archivedNumbers } from '../archive/archive.js';
import { errnoCode } from '../errors.js';

/**
 * Task numbers already used on disk: briefs, run folders, worktrees, accepted inbox files and archived rows. A new
 * id is one more than the highest number ever used here or on the board, so an id is never reused
 * (briefs, branches and run folders are named after it).
 */
export async function numbersUsedOnDisk(folders: { tasks: string; runs: string; worktrees: string; accepted?: string; archive?: string }): Promise<number[]> {
  const numbers: number[] = folders.archive === undefined ? [] : await archivedNumbers(folders.archive);
  for (const folder of [folders.tasks, folders.runs, folders.worktrees, folders.accepted]) {
    if (folder === undefined) continue;
    for (const name of await listNames(folder)) {
      const match = /^T-([1-9][0-9]*)(?:\.md$|-|$)/.exec(name);
      if (match !== null) numbers.push(Number(match[1]));
    }
  }
  return numbers;
}

export function nextNumber(...used: ReadonlyArray<readonly number[]>): number {
  let highest = 0;
  for (const list of used) for (const number of list) if (number > highest) highest = number;
  return highest + 1;
}

async function listNames(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

export function briefPathFor(tasksFolder: string, number: number): string {
  return join(tasksFolder, `T-${number}.md`);
}
