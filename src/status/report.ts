import { join } from 'node:path';
import { loadConfig } from '../config/config-file.js';
import { runningDaemon, type DaemonRecord } from '../daemon/lock/daemon-lock.js';
import { discoverStateDirs } from '../daemon/runtime/discover.js';
import { repoReport, type StatusReport } from './collect.js';

/** `ccx status --json` for every repository under the data root: what the CLI prints and `ccx ui` serves. */
export async function collectStatus(dataRoot: string, known?: DaemonRecord | null): Promise<StatusReport> {
  const daemon = known === undefined ? await runningDaemon(dataRoot) : known;
  const report: StatusReport = { daemon: { running: daemon !== null, pid: daemon?.pid ?? null }, repos: [] };
  for (const stateDir of await discoverStateDirs(dataRoot)) {
    const repo = await loadConfig(join(stateDir, 'config.yaml')).then((config) => config.repo, () => '(config.yaml does not load)');
    report.repos.push(await repoReport(stateDir, repo, daemon));
  }
  return report;
}
