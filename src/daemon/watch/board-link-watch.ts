import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { watchFolder, type FolderWatch } from './folder-watcher.js';

/**
 * A BOARD.md that is a symbolic link: saves to it land in the link's target, which the data root's
 * watch does not see, so the target's folder is watched as well, and again if the link is pointed
 * elsewhere. `follow` runs at the start of every pass; a board that is no link costs one lstat.
 */
export class BoardLinkWatch {
  private current: { folder: string; watch: FolderWatch } | null = null;

  constructor(
    private readonly board: string,
    private readonly onChange: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  async follow(): Promise<void> {
    const isLink = (await lstat(this.board).catch(() => null))?.isSymbolicLink() === true;
    const target = isLink ? await realpath(this.board).catch(() => null) : null;
    const folder = target === null ? null : dirname(target);
    if (folder === (this.current?.folder ?? null)) return;
    await this.close();
    if (folder === null || target === null) return;
    const name = basename(target);
    const watch = watchFolder(folder, {
      depth: 0,
      accept: (path) => basename(path) === name || basename(path) === `.#${name}`,
      onChange: this.onChange,
      onError: this.onError,
    });
    this.current = { folder, watch };
    // The pass reads the board after this: a save to the target from here on is reported.
    await watch.ready;
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = null;
    await current?.watch.close();
  }
}
