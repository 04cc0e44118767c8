import { CcxError } from '../errors.js';

export interface HeldLock {
  /** Set when proper-lockfile reports the lock lost (e.g. after a laptop sleep); the holder must not write. */
  compromised: boolean;
}

/**
 * A lock whose holder stopped refreshing it this long ago is taken over: a ccx process killed with
 * the lock held (kill -9 inside a board write) delays the next writer by this much. Every section
 * ccx runs under the lock is a few system calls long, and the holder refreshes it every second, so
 * a live holder is taken for dead only after its event loop stalled for 3 s; even then the board's
 * compare-and-swap keeps both writes right.
 */
const LOCK_STALE_MS = 4_000;
const LOCK_UPDATE_MS = 1_000;

/**
 * Runs `fn` while holding a ccx lock on a dedicated path (an editor never sees it). It only
 * serialises ccx processes; editors ignore it, which is why board writes are compare-and-swap as well.
 */
export async function withCcxLock<T>(lockPath: string, fn: (lock: HeldLock) => Promise<T>): Promise<T> {
  const held: HeldLock = { compromised: false };
  let release: () => Promise<void>;
  // Loaded on first use: commands that only read never pay for it.
  const { default: lockfile } = await import('proper-lockfile');
  try {
    release = await lockfile.lock(lockPath, {
      realpath: false,
      lockfilePath: lockPath,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100 },
      // The default handler throws inside a timer and kills the process; a lost lock only means "do not write now".
      onCompromised: () => {
        held.compromised = true;
      },
    });
  } catch (error) {
    throw new CcxError('BOARD_BUSY', `another ccx process has held the lock ${lockPath} for too long.`, {
      hint: 'Try again in a moment. If no ccx process is running, the lock goes stale by itself within 4 s.',
      cause: error,
    });
  }
  try {
    return await fn(held);
  } finally {
    await release().catch(() => undefined);
  }
}
