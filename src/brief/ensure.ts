import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createFileExclusive, ensureDir } from '../fs/atomic-write.js';
import type { TaskRow } from '../board/types.js';
import { briefFromRow } from './render.js';
import { locateBrief } from './location.js';

/**
 * The brief of a row, made from its title and notes when it has none. An existing brief is never
 * overwritten: the person may have edited it.
 */
export async function ensureBrief(stateDir: string, repoRoot: string, row: TaskRow): Promise<{ path: string; text: string; created: boolean }> {
  const path = await locateBrief(stateDir, repoRoot, row);
  await ensureDir(dirname(path));
  const fresh = briefFromRow(row);
  const created = await createFileExclusive(path, fresh);
  return { path, text: created ? fresh : await readFile(path, 'utf8'), created };
}
