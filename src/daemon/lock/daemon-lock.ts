import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { withCcxLock } from '../../fs/ccx-lock.js';
import { CcxError, errnoCode } from '../../errors.js';
import { ensureDir, writeFileAtomic } from '../../fs/atomic-write.js';
import { processLooksLikeDaemon } from './process-check.js';

export interface DaemonRecord {
  pid: number;
  startedAt: string;
}

export interface DaemonLock {
  record: DaemonRecord;
  release(): Promise<void>;
}

export function daemonFiles(dataRoot: string) {
  return { record: join(dataRoot, 'daemon.json'), lock: join(dataRoot, '.daemon.lock') };
}

/**
 * One daemon per data root (SPEC 12). The claim is daemon.json naming a live ccx daemon; a record
 * whose process is gone (a crash, kill -9) is taken over at once, so a restart never waits out a
 * stale lock. The check-and-claim itself runs under a short ccx lock so two daemons starting
 * together cannot both win.
 */
export async function claimDataRoot(dataRoot: string, now = new Date()): Promise<DaemonLock> {
  await ensureDir(dataRoot);
  const files = daemonFiles(dataRoot);
  const record: DaemonRecord = { pid: process.pid, startedAt: now.toISOString() };
  await withCcxLock(files.lock, async () => {
    const holder = await readDaemonRecord(dataRoot);
    if (holder !== null && holder.pid !== process.pid && (await processLooksLikeDaemon(holder.pid))) {
      throw new CcxError('DAEMON_RUNNING', `another ccx daemon (pid ${holder.pid}, started ${holder.startedAt}) already serves ${dataRoot}.`, {
        hint: `Use that one (ccx status), or stop it first (kill ${holder.pid}, or \`ccx service uninstall\` if it runs as a service).`,
      });
    }
    await writeFileAtomic(files.record, `${JSON.stringify(record)}\n`);
  });
  return {
    record,
    release: async () => {
      await withCcxLock(files.lock, async () => {
        const current = await readDaemonRecord(dataRoot);
        if (current?.pid === process.pid) await unlink(files.record).catch(() => undefined);
      });
    },
  };
}

/** The daemon that claims the data root, or null when none does (or it is gone). */
export async function runningDaemon(dataRoot: string): Promise<DaemonRecord | null> {
  const record = await readDaemonRecord(dataRoot);
  return record !== null && (await processLooksLikeDaemon(record.pid)) ? record : null;
}

async function readDaemonRecord(dataRoot: string): Promise<DaemonRecord | null> {
  try {
    const parsed = JSON.parse(await readFile(daemonFiles(dataRoot).record, 'utf8')) as Partial<DaemonRecord>;
    return typeof parsed.pid === 'number' && typeof parsed.startedAt === 'string' ? { pid: parsed.pid, startedAt: parsed.startedAt } : null;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || error instanceof SyntaxError) return null;
    throw error;
  }
}
