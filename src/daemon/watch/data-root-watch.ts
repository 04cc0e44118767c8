import { access, lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { watchFolder, type FolderWatch } from './folder-watcher.js';

export interface DataRootWatchOptions {
  root: string;
  /** Serve only this STATE_DIR (`--repo`): no other folder is watched. */
  only?: string;
  /** The data root's own file (notify.yaml), reported through `onRootFile`. */
  rootFile: string;
  /** The names watched in each STATE_DIR (BOARD.md, config.yaml, ...), reported through `onStateFile`. */
  stateFiles: readonly string[];
  onStateFile(path: string): void;
  onRootFile(): void;
  onError(error: unknown): void;
}

/**
 * The data root and each STATE_DIR under it, every one watched on its own, so that a repository
 * initialised while the daemon runs is served whatever the timing of `ccx init`'s writes.
 *
 * One watch of depth 1 missed them: chokidar lists a new folder before it watches it, and a
 * config.yaml written between the two was never reported (the repository waited for its next
 * save). Here a folder's own watch is ready first, then its files are looked for, so a file is
 * seen by the one or the other. The root's watch reports a folder only when the folder itself is
 * made, removed, renamed or changes mode (never for a write inside it): each such event watches
 * it afresh, since a folder removed and made again may even have the same inode.
 */
export class DataRootWatch {
  private rootWatch: FolderWatch | null = null;
  private readonly stateDirs = new Map<string, FolderWatch>();
  /** A folder's rewatch under way, and the folders that asked for one more meanwhile. */
  private readonly rewatching = new Map<string, Promise<void>>();
  private readonly again = new Map<string, boolean>();
  private closed = false;

  constructor(private readonly options: DataRootWatchOptions) {}

  /** Watches the root, then every folder in it; resolves with the STATE_DIRs that have a config.yaml. */
  async start(): Promise<string[]> {
    const { root } = this.options;
    this.rootWatch = watchFolder(root, {
      depth: 0,
      accept: (path) => dirname(path) === root,
      onChange: (path) => {
        if (path === join(root, this.options.rootFile)) this.options.onRootFile();
        else if (this.options.only === undefined || path === this.options.only) void this.rewatch(path, true);
      },
      onError: this.options.onError,
    });
    await this.rootWatch.ready;
    // Listed after the root's watch is ready: a folder made meanwhile is in the list or an event (or both).
    const folders = this.options.only === undefined ? await subfolders(root) : [this.options.only];
    await Promise.all(folders.map((folder) => this.rewatch(folder, false)));
    const initialised: string[] = [];
    for (const folder of folders) if (this.stateDirs.has(folder) && (await exists(join(folder, 'config.yaml')))) initialised.push(folder);
    return initialised.sort();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.rewatching.values());
    const watches = [...this.stateDirs.values()];
    this.stateDirs.clear();
    await Promise.all([this.rootWatch?.close(), ...watches.map((watch) => watch.close())]);
  }

  /** One rewatch of a folder at a time; events that come while it runs ask for one more after it. */
  private rewatch(folder: string, report: boolean): Promise<void> {
    const running = this.rewatching.get(folder);
    if (running !== undefined) {
      this.again.set(folder, report || (this.again.get(folder) ?? false));
      return running;
    }
    const run = (async () => {
      let reporting: boolean | undefined = report;
      while (reporting !== undefined) {
        this.again.delete(folder);
        await this.watchAfresh(folder, reporting);
        reporting = this.again.get(folder);
      }
    })().finally(() => this.rewatching.delete(folder));
    this.rewatching.set(folder, run);
    return run;
  }

  /**
   * A new watch of the folder (once it is ready, the old one is closed), or none if it is no folder
   * now; then its state files that exist are reported (`report`), config.yaml first, since a change
   * may have come while neither watch saw it.
   */
  private async watchAfresh(folder: string, report: boolean): Promise<void> {
    const old = this.stateDirs.get(folder);
    if (this.closed || !(await isFolder(folder))) {
      this.stateDirs.delete(folder);
      await old?.close();
      return;
    }
    const names = new Set(this.options.stateFiles);
    const watch = watchFolder(folder, {
      depth: 0,
      accept: (path) => dirname(path) === folder && names.has(basename(path)),
      onChange: this.options.onStateFile,
      onError: this.options.onError,
    });
    await watch.ready;
    if (this.closed) {
      await watch.close();
      return;
    }
    this.stateDirs.set(folder, watch);
    await old?.close();
    if (!report) return;
    const files = ['config.yaml', ...this.options.stateFiles.filter((name) => name !== 'config.yaml')];
    for (const name of files) if (await exists(join(folder, name))) this.options.onStateFile(join(folder, name));
  }
}

async function subfolders(root: string): Promise<string[]> {
  try {
    return (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(root, entry.name));
  } catch {
    return [];
  }
}

/** A folder, not a symbolic link to one (the listing leaves those out too). */
async function isFolder(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
