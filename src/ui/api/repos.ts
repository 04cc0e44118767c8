import { basename, join } from 'node:path';
import { loadConfig, type RepoConfig } from '../../config/config-file.js';
import { statePaths, type StatePaths } from '../../config/paths.js';
import { discoverStateDirs } from '../../daemon/runtime/discover.js';
import { BoardStore } from '../../board/store/board-store.js';
import { ApiError, notFound } from '../server/api-error.js';

/** One repository the dashboard serves, found by its key (the STATE_DIR's folder name), never by a path from the request. */
export interface UiRepo {
  key: string;
  paths: StatePaths;
  config: RepoConfig;
  store: BoardStore;
}

/** Every repository under the data root, and its board store kept between requests (its parse cache is worth keeping). */
export class UiRepos {
  private readonly stores = new Map<string, BoardStore>();

  constructor(readonly dataRoot: string) {}

  async keys(): Promise<string[]> {
    return (await discoverStateDirs(this.dataRoot)).map((dir) => basename(dir));
  }

  /** The repository of `key`: 404 unless it is one of the STATE_DIRs under the data root. */
  async get(key: string): Promise<UiRepo> {
    if (!(await this.keys()).includes(key)) throw notFound(`no repository with key ${JSON.stringify(key)} is set up under ${this.dataRoot}; GET /api/state lists the keys.`);
    const paths = statePaths(join(this.dataRoot, key));
    let config: RepoConfig;
    try {
      config = await loadConfig(paths.config);
    } catch (error) {
      throw new ApiError(409, 'CONFIG_INVALID', `${paths.config} does not load: ${error instanceof Error ? error.message : String(error)}; fix it and try again.`);
    }
    let store = this.stores.get(key);
    if (store === undefined) {
      store = new BoardStore({ board: paths.board, lock: paths.boardLock });
      this.stores.set(key, store);
    }
    return { key, paths, config, store };
  }
}
