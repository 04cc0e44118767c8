import { readFile } from 'node:fs/promises';
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
 * daemon runs), each repository's `key` for the other endpoints, each task's row `version` for
 * the `expect` of a row action, and `live`: the daemon's status.json (STATUS.md's data), or null.
 */
export async function uiState(repos: UiRepos, info: UiInfo): Promise<Record<string, unknown>> {
  const report = await collectStatus(repos.dataRoot, await dashboardDaemon(repos.dataRoot));
  const withKeys = await Promise.all(report.repos.map(async (repo) => {
    const key = basename(repo.state_dir);
    const found = await repos.get(key).catch(() => null);
    const read = await found?.store.read();
    const board = read?.kind === 'ok' ? read.board : null;
    // What STATUS.md is written from (running tasks' startedAt, the queue in dispatch order with reasons, paused agents, the last finished), while a daemon runs.
    const live = report.daemon.running && found !== null ? await readFile(found.paths.statusJson, 'utf8').then((text) => JSON.parse(text) as unknown, () => null) : null;
    return { key, ...repo, tasks: repo.tasks.map((task) => ({ ...task, version: board === null ? null : rowVersion(board, String(task['id'])) })), live };
  }));
  return { ...report, repos: withKeys, ui: { version: info.version, port: info.port, data_root: repos.dataRoot, daemon_running: report.daemon.running } };
}
