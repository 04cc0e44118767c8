import { watch } from 'chokidar';
import { basename, join } from 'node:path';

export interface FolderWatch {
  /**
   * Resolves once the folder is watched: a change after it is reported. chokidar lists a folder
   * before it watches it, so a file written meanwhile is in neither; a reader that must not miss
   * one reads after this.
   */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface FolderWatchOptions {
  /** How deep below `folder` to watch (0: its own entries). */
  depth: number;
  /** Which changed paths matter; the rest are dropped here. */
  accept(path: string): boolean;
  onChange(path: string): void;
  onError(error: unknown): void;
}

/**
 * Watches a folder, not a file: editors save by rename or by truncate-and-write, and a watch on
 * the file itself goes stale after a rename (STYLE.md). No polling (idle costs nothing) and no
 * awaitWriteFinish: readers do a stable read instead.
 *
 * chokidar's own events miss a save that lands within ~50 ms after the file was replaced by a
 * rename (ccx's compare-and-swap write, or an editor's): it re-watches the new inode and drops
 * what happened meanwhile. The folder's own inotify watch sees every write, so its raw events
 * are passed on too; a duplicate only asks for one more (coalesced, level-triggered) pass.
 */
export function watchFolder(folder: string, options: FolderWatchOptions): FolderWatch {
  const watcher = watch(folder, { depth: options.depth, ignoreInitial: true, usePolling: false, followSymlinks: false, persistent: true });
  const handle = (path: string) => {
    if (options.accept(path)) options.onChange(path);
  };
  watcher.on('add', handle).on('change', handle).on('unlink', handle).on('addDir', handle);
  watcher.on('raw', (_event, name, details) => {
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    // A folder's watch names the entry that changed; a file's own watch names the file itself.
    if (typeof watched === 'string' && typeof name === 'string' && name !== '' && basename(watched) !== name) handle(join(watched, name));
  });
  watcher.on('error', (error) => options.onError(error));
  let closed!: () => void;
  const ready = new Promise<void>((resolve) => {
    watcher.once('ready', () => resolve());
    closed = resolve;
  });
  return {
    ready,
    close: async () => {
      closed();
      await watcher.close();
    },
  };
}

/** Runs `fn` once `ms` after the last of a burst of calls (an editor's save is several events). */
export function coalesce(ms: number, fn: () => void): { trigger(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    trigger() {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    },
    cancel() {
      clearTimeout(timer);
    },
  };
}
