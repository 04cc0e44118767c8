import { readFileSync } from 'node:fs';
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';

/** When this process started (ms since the epoch): a file of ours made before then is a previous process's. */
const STARTED_AT_MS = Date.now() - process.uptime() * 1000;

/** Linux counts process start times in clock ticks since boot; USER_HZ is 100 on every Linux port. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Slack for clock granularity when comparing a file's time with a process's start. */
const START_SLACK_MS = 2000;

/**
 * Whether the process that named a scratch file `<...>-<pid>-<...>` (made at `madeAtMs`) may still
 * be using it. A pid that no longer exists is dead; so is one (on Linux) that started after the
 * file was made: the pid was reused. Otherwise it is taken as alive (perhaps another user's):
 * leaving a file is safe, removing a live writer's is not. Our own pid counts as alive only for a
 * file made since this process started (a restarted container reuses pids).
 */
export function writerMayBeAlive(pid: number, madeAtMs: number): boolean {
  if (pid === process.pid) return madeAtMs >= STARTED_AT_MS - START_SLACK_MS;
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return false;
  }
  const started = processStartMs(pid);
  return started === null || started <= madeAtMs + START_SLACK_MS;
}

/** When process `pid` started (ms since the epoch), from Linux's /proc; null where that cannot be read. */
function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(bootSeconds)) return null;
    return bootSeconds * 1000 + (ticks / CLOCK_TICKS_PER_SECOND) * 1000;
  } catch {
    return null;
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
      // ctime: when the file got this name, which a rename sets too.
      madeAtMs = (await lstat(path)).ctimeMs;
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
