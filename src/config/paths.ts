import { homedir } from 'node:os';
import { join } from 'node:path';
import type { GitRepo } from '../git/run.js';
import type { CcxEnv } from './env.js';
import { legacyRepoKey, moveLegacyStateDir, repoIdentity, type ConfigListing } from './repo-key.js';

export interface PlatformInfo {
  platform: NodeJS.Platform;
  home: string;
  xdgDataHome: string | undefined;
}

export function currentPlatform(env: NodeJS.ProcessEnv = process.env): PlatformInfo {
  const xdg = env['XDG_DATA_HOME'];
  return { platform: process.platform, home: homedir(), xdgDataHome: xdg === undefined || xdg === '' ? undefined : xdg };
}

/** The root every STATE_DIR lives under (SPEC 2). */
export function dataRoot(env: Pick<CcxEnv, 'dataHome'>, platform: PlatformInfo = currentPlatform()): string {
  if (env.dataHome !== undefined) return env.dataHome;
  if (platform.xdgDataHome !== undefined) return join(platform.xdgDataHome, 'ccx');
  if (platform.platform === 'darwin') return join(platform.home, 'Library', 'Application Support', 'ccx');
  return join(platform.home, '.local', 'share', 'ccx');
}

/**
 * The repository's STATE_DIR: `<data root>/<repo-key>`, the key as ccx-loop derives it. One left
 * under ccx's older key is moved there once; `onNotice` hears about it. `listing`: the repository's
 * git config, already being read (see readConfigListing).
 */
export async function stateDirFor(repo: GitRepo, env: Pick<CcxEnv, 'dataHome'>, platform?: PlatformInfo, onNotice?: (message: string) => void, listing?: Promise<ConfigListing>): Promise<string> {
  const root = dataRoot(env, platform);
  const { key, origin } = await repoIdentity(repo, listing);
  const current = join(root, key);
  const moved = await moveLegacyStateDir(join(root, legacyRepoKey(repo.root, origin)), current);
  if (moved.notice !== null) onNotice?.(moved.notice);
  return moved.dir;
}

/** Where each file of a STATE_DIR lives (SPEC 2). */
export function statePaths(stateDir: string) {
  return {
    stateDir,
    board: join(stateDir, 'BOARD.md'),
    config: join(stateDir, 'config.yaml'),
    ladder: join(stateDir, 'model-ladder.json'),
    tasks: join(stateDir, 'tasks'),
    runs: join(stateDir, 'runs'),
    asks: join(stateDir, 'asks'),
    /** One folder per `ccx plan` run: each try's prompt, answer and problems. */
    plans: join(stateDir, 'plans'),
    worktrees: join(stateDir, 'worktrees'),
    audit: join(stateDir, 'audit.jsonl'),
    /** Rows `ccx archive` moved off BOARD.md, one file a month: BOARD-<yyyy-mm>.md. */
    archive: join(stateDir, 'archive'),
    status: join(stateDir, 'STATUS.md'),
    /** The daemon's view of this repository for `ccx status` (STATUS.md's data). */
    statusJson: join(stateDir, 'status.json'),
    boardLock: join(stateDir, '.board.lock'),
    /** Rows of BOARD.md as the last command parsed them; a cache, safe to delete. */
    boardRowCache: join(stateDir, '.board-rows.json'),
    brief: (id: string) => join(stateDir, 'tasks', `${id}.md`),
    runDir: (id: string) => join(stateDir, 'runs', id),
    worktree: (id: string) => join(stateDir, 'worktrees', id),
  };
}

export type StatePaths = ReturnType<typeof statePaths>;

/** `<repo>/.ccx/inbox` and its two outcome folders (SPEC 5). */
export function inboxPaths(repoRoot: string) {
  const inbox = join(repoRoot, '.ccx', 'inbox');
  return { inbox, accepted: join(inbox, 'accepted'), rejected: join(inbox, 'rejected'), processing: join(inbox, '.processing') };
}
