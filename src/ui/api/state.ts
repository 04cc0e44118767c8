import { basename } from 'node:path';
import { collectStatus } from '../../status/report.js';
import { dashboardDaemon } from './daemon-state.js';
import { rowVersion } from './row-version.js';
import type { UiRepos } from './repos.js';

export interface UiInfo {
  version: string;
  port: number;
}

/**
 * GET /api/state: `ccx status --json` (the same function), plus `ui` (this server, and whether a
 * daemon runs), each repository's `key` for the other endpoints, and each task's row `version`
 * for the `expect` of a row action.
 */
export async function uiState(repos: UiRepos, info: UiInfo): Promise<Record<string, unknown>> {
  const report = await collectStatus(repos.dataRoot, await dashboardDaemon(repos.dataRoot));
  const withKeys = await Promise.all(report.repos.map(async (repo) => {
    const key = basename(repo.state_dir);
    const read = await (await repos.get(key).catch(() => null))?.store.read();
    const board = read?.kind === 'ok' ? read.board : null;
    return { key, ...repo, tasks: repo.tasks.map((task) => ({ ...task, version: board === null ? null : rowVersion(board, String(task['id'])) })) };
  }));
  return { ...report, repos: withKeys, ui: { version: info.version, port: info.port, data_root: repos.dataRoot, daemon_running: report.daemon.running } };
}
