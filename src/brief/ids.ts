import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { archivedNumbers } from '../archive/archive.js';
import { CcxError, errnoCode } from '../errors.js';

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
      const number = match === null ? NaN : Number(match[1]);
      // A name past 2^53 - 1 is no id ccx could have written (nor will write): it does not count.
      if (Number.isSafeInteger(number)) numbers.push(number);
    }
  }
  return numbers;
}

export function nextNumber(...used: ReadonlyArray<readonly number[]>): number {
  let highest = 0;
  for (const list of used) for (const number of list) if (number > highest) highest = number;
  return checkedNumber(highest + 1);
}

/**
 * Claims the first number from `start` up that `claim` takes (it returns false when that number is
 * taken). Each refusal moves up by one, and a number past 2^53 - 1 (where n + 1 === n) is an error,
 * so this always ends.
 */
export async function claimNumber(start: number, claim: (number: number) => Promise<boolean>): Promise<number> {
  for (let number = checkedNumber(start); ; number = checkedNumber(number + 1)) {
    if (await claim(number)) return number;
  }
}

function checkedNumber(number: number): number {
  if (Number.isSafeInteger(number)) return number;
  throw new CcxError('TASK_ID_INVALID', `ccx has no id left to give: the next would be past ${Number.MAX_SAFE_INTEGER}, the largest number it counts on exactly.`, {
    hint: 'Renumber the row, brief or run folder with the huge number (ids only ever go up from the highest one used).',
  });
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

/**
 * Briefs in STATE_DIR/tasks/ whose id is on no board row and in no archive (ccx-loop's ORPHAN): a
 * row deleted by hand, or a brief written for a row never added. Sorted by number.
 */
export async function orphanBriefs(folders: { tasks: string; archive: string }, idsOnBoard: ReadonlySet<string>): Promise<string[]> {
  const archived = new Set<string>();
  for (const name of await listNames(folders.archive)) {
    if (!name.endsWith('.md')) continue;
    const text = await readFile(join(folders.archive, name), 'utf8').catch(() => '');
    for (const match of text.matchAll(/\bid:\s*["']?(T-[1-9][0-9]*)\b/g)) archived.add(match[1] ?? '');
  }
  return (await listNames(folders.tasks))
    .map((name) => /^(T-[1-9][0-9]*)\.md$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined && !idsOnBoard.has(id) && !archived.has(id))
    .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
}
