import { watch, type FSWatcher } from 'node:fs';

/** The files of a STATE_DIR whose change changes what GET /api/state answers. */
const STATE_FILES = new Set(['BOARD.md', 'status.json', 'STATUS.md', 'config.yaml']);
/** A burst of changes (a board write is a temp file, a swap and a rename) is one notice. */
export const STATE_SETTLE_MS = 50;

/**
 * Calls `onChange(key)` once a burst of changes to a repository's board or status settles, so a
 * page can fetch /api/state again instead of polling it. A folder that cannot be watched is skipped:
 * the audit events still come.
 */
export function watchStateFiles(stateDirs: ReadonlyArray<{ key: string; dir: string }>, onChange: (key: string) => void): () => void {
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  for (const { key, dir } of stateDirs) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file !== null && !STATE_FILES.has(file)) return;
        clearTimeout(timers.get(key));
        timers.set(key, setTimeout(() => onChange(key), STATE_SETTLE_MS));
      });
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // Not watchable now (removed meanwhile): the audit stream still reports what happens.
    }
  }
  return () => {
    for (const watcher of watchers) watcher.close();
    for (const timer of timers.values()) clearTimeout(timer);
  };
}
