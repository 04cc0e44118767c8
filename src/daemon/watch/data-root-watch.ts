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

interface StateDirWatch {
  /** The folder's inode: a STATE_DIR removed and made again is a new folder, watched anew. */
  inode: number;
  watch: FolderWatch;
}

/**
 * The data root and each STATE_DIR under it, every one watched on its own, so that a repository
 * initialised while the daemon runs is served whatever the timing of `ccx init`'s writes.
 *
 * One watch of depth 1 missed them: chokidar lists a new folder before it watches it, and a
 * config.yaml written between the two was never reported (the repository waited for its next
 * save). Here a new folder's own watch is ready first, then its config.yaml is looked for, so a
 * file is seen by the one or the other.
 */
export class DataRootWatch {
  private rootWatch: FolderWatch | null = null;
  private readonly stateDirs = new Map<string, Promise<StateDirWatch | null>>();
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
        else void this.folderChanged(path);
      },
      onError: this.options.onError,
    });
    await this.rootWatch.ready;
    // Listed after the root's watch is ready: a folder made meanwhile is in the list or an event (or both).
    const folders = this.options.only === undefined ? await subfolders(root) : [this.options.only];
    const initialised: string[] = [];
    for (const folder of folders) if ((await this.watchStateDir(folder)) !== null && (await hasConfig(folder))) initialised.push(folder);
    return initialised.sort();
  }

  async close(): Promise<void> {
    this.closed = true;
    const watches = await Promise.all(this.stateDirs.values());
    this.stateDirs.clear();
    await Promise.all([this.rootWatch?.close(), ...watches.map((entry) => entry?.watch.close())]);
  }

  /** Something in the root was added, removed or replaced: (re)watch it if it is a folder, and open it if it is initialised. */
  private async folderChanged(folder: string): Promise<void> {
    if (this.options.only !== undefined && folder !== this.options.only) return;
    const inode = await folderInode(folder);
    const known = await this.stateDirs.get(folder);
    if (known !== undefined && known !== null && known.inode === inode) return;
    if (known !== undefined) {
      this.stateDirs.delete(folder);
      await known?.watch.close();
    }
    if (inode === null) return;
    if ((await this.watchStateDir(folder)) !== null && (await hasConfig(folder))) this.options.onStateFile(join(folder, 'config.yaml'));
  }

  /** One watch per folder, however many events ask for it; null for what is no folder (or once closed). */
  private watchStateDir(folder: string): Promise<StateDirWatch | null> {
    let watching = this.stateDirs.get(folder);
    if (watching === undefined) {
      watching = this.openStateDirWatch(folder);
      this.stateDirs.set(folder, watching);
      void watching.then((entry) => {
        if (entry === null && this.stateDirs.get(folder) === watching) this.stateDirs.delete(folder);
      });
    }
    return watching;
  }

  private async openStateDirWatch(folder: string): Promise<StateDirWatch | null> {
    const inode = await folderInode(folder);
    if (inode === null || this.closed) return null;
    const names = new Set(this.options.stateFiles);
    const watch = watchFolder(folder, {
      depth: 0,
      accept: (path) => dirname(path) === folder && names.has(basename(path)),
      onChange: this.options.onStateFile,
      onError: this.options.onError,
    });
    await watch.ready;
    // Closed while it got ready: close() has already run over the map, so this one is closed here.
    if (this.closed) {
      await watch.close();
      return null;
    }
    return { inode, watch };
  }
}

async function subfolders(root: string): Promise<string[]> {
  try {
    return (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => join(root, entry.name));
  } catch {
    return [];
  }
}

/** A folder's inode; null for anything else (a symbolic link included, as the listing leaves them out). */
async function folderInode(path: string): Promise<number | null> {
  try {
    const stats = await lstat(path);
    return stats.isDirectory() ? stats.ino : null;
  } catch {
    return null;
  }
}

async function hasConfig(folder: string): Promise<boolean> {
  try {
    await access(join(folder, 'config.yaml'));
    return true;
  } catch {
    return false;
  }
}
