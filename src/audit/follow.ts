import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { errnoCode } from '../errors.js';
import { scanAuditHandle, type OnAuditRecord } from './reader.js';

/** How often the file is checked when no change event came (events can be missed, and a folder that does not exist yet cannot be watched). */
export const FOLLOW_POLL_MS = 1_000;

export type FollowReset = 'truncated' | 'replaced' | 'removed';

export interface FollowOptions {
  task?: string;
  /** Byte offset to start from (the `offset` of a read of the existing records). */
  fromOffset?: number;
  /** Following ends when this aborts. */
  signal: AbortSignal;
  /** Each new record, with where its line lies in the file. */
  onRecord: OnAuditRecord;
  /** The file was truncated, replaced or removed: reading starts again from its beginning. */
  onReset?: (reason: FollowReset) => void;
  pollMs?: number;
}

/**
 * Follows the audit log like `tail -F`: new complete lines as they are appended, from the start
 * again when the file is truncated or replaced, and a file that does not exist yet is waited for.
 * Resolves with the number of lines that did not parse once `signal` aborts.
 */
export async function followAuditLog(path: string, options: FollowOptions): Promise<{ skipped: number }> {
  const waker = new Waker(path, options.pollMs ?? FOLLOW_POLL_MS);
  let offset = options.fromOffset ?? 0;
  let inode: number | null = null;
  let skipped = 0;
  const reset = (reason: FollowReset) => {
    offset = 0;
    options.onReset?.(reason);
  };
  try {
    while (!options.signal.aborted) {
      waker.arm();
      const handle = await open(path, 'r').catch((error: unknown) => {
        if (errnoCode(error) === 'ENOENT') return null;
        throw error;
      });
      if (handle === null) {
        if (inode !== null) reset('removed');
        inode = null;
      } else {
        try {
          // Checked on the open file, so the bytes read below come from the file that was checked.
          const stat = await handle.stat();
          if (inode !== null && stat.ino !== inode) reset('replaced');
          else if (stat.size < offset) reset('truncated');
          inode = stat.ino;
          if (stat.size > offset) {
            const scan = await scanAuditHandle(handle, { sinceOffset: offset, ...(options.task === undefined ? {} : { task: options.task }) }, options.onRecord);
            offset = scan.offset;
            skipped += scan.skipped;
          }
        } finally {
          await handle.close();
        }
      }
      await waker.wait(options.signal);
    }
  } finally {
    waker.close();
  }
  return { skipped };
}

/** Wakes the follower on a change in the log's folder, after the poll interval, or on abort. */
class Waker {
  private watcher: FSWatcher | undefined;
  private changed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly path: string,
    private readonly pollMs: number,
  ) {}

  /** Starts watching the folder if it exists now and is not watched yet. */
  arm(): void {
    this.changed = false;
    if (this.watcher !== undefined) return;
    try {
      const name = basename(this.path);
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file !== null && file !== name) return;
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.dropWatcher());
    } catch {
      // The folder does not exist (yet): polling covers it.
    }
  }

  wait(signal: AbortSignal): Promise<void> {
    if (this.changed || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    this.dropWatcher();
  }

  private dropWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
