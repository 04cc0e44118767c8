import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';

/** When this process started (ms since the epoch): a file of ours made before then is a previous process's. */
const STARTED_AT_MS = Date.now() - process.uptime() * 1000;

/**
 * Whether the process that named a scratch file `<...>-<pid>-<...>` may still be using it. A pid
 * that no longer exists is dead; one that exists is taken as alive (perhaps another user's, perhaps
 * reused: leaving a file is safe, removing a live writer's is not). Our own pid counts as alive only
 * for a file made since this process started (a restarted container reuses pids).
 */
export function writerMayBeAlive(pid: number, madeAtMs: number): boolean {
  if (pid === process.pid) return madeAtMs >= STARTED_AT_MS - 1000;
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) !== 'ESRCH';
  }
}

export interface ScratchFile {
  path: string;
  name: string;
  pid: number;
  alive: boolean;
}

/**
 * The files in `dir` whose names match `pattern` (its first capture group is the writer's pid),
 * each with whether its writer may still be alive. A folder that cannot be listed has none.
 */
export async function scratchFiles(dir: string, pattern: RegExp): Promise<ScratchFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: ScratchFile[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (match === null) continue;
    const path = join(dir, name);
    let madeAtMs: number;
    try {
      madeAtMs = (await lstat(path)).mtimeMs;
    } catch {
      continue;
    }
    const pid = Number(match[1]);
    found.push({ path, name, pid, alive: writerMayBeAlive(pid, madeAtMs) });
  }
  return found;
}

/** Removes a file that may already be gone (another process cleaning the same leftovers). */
export async function removeQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Regex-escapes a literal file name for use in a pattern. */
export function escapeForPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The names writeTempFile gives (`.<name>.ccx-<pid>-<hex>.tmp`), with the writer's pid. */
const TEMP_FILE = /^\..+\.ccx-(\d+)-[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temp files (writeTempFile's) in `dir` whose writer is dead: a process killed between
 * writing one and renaming or unlinking it leaves it behind. A live writer's are left alone.
 * Returns the paths removed.
 */
export async function removeDeadTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const file of await scratchFiles(dir, TEMP_FILE)) {
    if (!file.alive && (await removeQuietly(file.path))) removed.push(file.path);
  }
  return removed;
}
