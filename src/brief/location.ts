import { isInside } from '../fs/inside.js';
import { resolve } from 'node:path';
import { fileExists } from '../fs/exists.js';

/** The brief path ccx writes on new rows, relative to STATE_DIR. */
export function defaultBriefField(id: string): string {
  return `tasks/${id}.md`;
}

/** ccx-loop's rows say `brief: .ccx/tasks/T-1.md`, a path its v0.6 reads relative to STATE_DIR without `.ccx/`. */
const LOOP_PREFIX = /^\.ccx[\\/]+/;

/**
 * Where a row's brief is, the first that exists of: STATE_DIR/tasks/T-1.md for ccx-loop's
 * `.ccx/tasks/T-1.md` (as its v0.6 reads it), the `brief:` path under STATE_DIR, the path under the
 * repository (ccx-loop before v0.6 kept `.ccx/` there). None exists: where a new one is written,
 * the first of those under STATE_DIR (never STATE_DIR/.ccx/), else STATE_DIR/tasks/<id>.md. A path
 * that would lead outside its root is ignored.
 */
export async function locateBrief(stateDir: string, repoRoot: string, row: { id: string; brief: string | null }): Promise<string> {
  const fallback = resolve(stateDir, defaultBriefField(row.id));
  if (row.brief === null) return fallback;
  const candidates: Array<[root: string, path: string]> = [
    ...(LOOP_PREFIX.test(row.brief) ? [[stateDir, row.brief.replace(LOOP_PREFIX, '')] as [string, string]] : []),
    [stateDir, row.brief],
    [repoRoot, row.brief],
  ];
  const inside = candidates.map(([root, path]) => [root, resolve(root, path)] as const).filter(([root, path]) => isInside(root, path));
  for (const [, path] of inside) {
    if (await fileExists(path)) return path;
  }
  return inside.find(([root]) => root === stateDir)?.[1] ?? fallback;
}

