import { readFile } from 'node:fs/promises';
import { daemonFiles, runningDaemon, type DaemonRecord } from '../../daemon/lock/daemon-lock.js';

/**
 * The daemon serving the data root, or null: a ccx daemon process, or this very process when the
 * daemon runs inside it (`ccx demo --ui`, whose command line does not say daemon).
 */
export async function dashboardDaemon(dataRoot: string): Promise<DaemonRecord | null> {
  const running = await runningDaemon(dataRoot);
  if (running !== null) return running;
  try {
    const record = JSON.parse(await readFile(daemonFiles(dataRoot).record, 'utf8')) as Partial<DaemonRecord>;
    return record.pid === process.pid && typeof record.startedAt === 'string' ? { pid: record.pid, startedAt: record.startedAt } : null;
  } catch {
    return null;
  }
}
