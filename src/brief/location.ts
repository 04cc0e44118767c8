import { isInside } from '../fs/inside.js';
import { resolve } from 'node:path';
import { fileExists } from '../fs/exists.js';

/** The brief path ccx writes on new rows, relative to STATE_DIR. */
export function defaultBriefField(id: string): string {
  return `tasks/${id}.md`;
}

/**
 * Where a row's brief is: its `brief:` path under STATE_DIR, or under the repository for a board
 * written for the ccx-loop plugin (`.ccx/tasks/T-1.md`), whichever exists; else STATE_DIR/tasks/<id>.md.
 * A path that would lead outside both is ignored.
 */
export async function locateBrief(stateDir: string, repoRoot: string, row: { id: string; brief: string | null }): Promise<string> {
  const fallback = resolve(stateDir, defaultBriefField(row.id));
  if (row.brief === null) return fallback;
  for (const root of [stateDir, repoRoot]) {
    const candidate = resolve(root, row.brief);
    if (isInside(root, candidate) && (await fileExists(candidate))) return candidate;
  }
  const inState = resolve(stateDir, row.brief);
  return isInside(stateDir, inState) ? inState : fallback;
}

