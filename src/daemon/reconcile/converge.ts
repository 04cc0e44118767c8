import { lstat, mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditTailHas } from '../../audit/index.js';
import { crashPoint } from '../../fs/crash-point.js';
import { appendJournal, journalPath } from '../journal/journal.js';
import type { TaskFacts } from '../journal/state.js';
import { isAlive } from '../lock/process-check.js';
import type { RepoRuntime } from '../runtime/repo-runtime.js';
import { announceDispatchIfMissing } from '../worker/attempt-step.js';
import { announceFinished, removeMergedWorkspace } from '../worker/finish.js';

/** A `ccx-leftovers-*` folder (a turn's temporary index) this old belongs to no running git call. */
const LEFTOVERS_FOLDER_AGE_MS = 60 * 60 * 1000;
/** writeTempFile's names: `.<name>.ccx-<pid>-<hex>.tmp`. */
const TEMP_FILE = /^\..+\.ccx-(\d+)-[0-9a-f]+\.tmp$/;

/**
 * Brings git and the file system to what the journals say, whatever step a crash interrupted
 * (every step idempotent, so a crash during repair is harmless): a finished task's end is announced
 * once (task.finished), a merged task's worktree and branch are removed. The row's own final fields
 * are written by the reconciler's write-back (decide.ts), and agent groups are reaped by recovery.
 * On the first pass, temp files of dead ccx processes and old `ccx-leftovers-*` folders go.
 */
export async function converge(runtime: RepoRuntime, facts: Map<string, TaskFacts>): Promise<void> {
  if (!runtime.cleaned) {
    runtime.cleaned = true;
    await cleanTempFiles(runtime);
  }
  for (const [id, known] of facts) {
    if (known.phase !== 'finished' || runtime.workers.has(id)) continue;
    const journal = journalPath(runtime.paths.runs, id);
    try {
      if (known.finished?.status === 'merged' && !known.workspaceRemoved) {
        await removeMergedWorkspace(runtime.repo, runtime.audit, journal, id, known.worktree ?? runtime.paths.worktree(id));
      }
      if (!known.announced) await announceDispatchIfMissing(runtime, id, known);
      if (!known.announced && known.finished?.at !== undefined && (await auditTailHas(runtime.paths.audit, { event: 'task.finished', task: id, since: known.finished.at }))) {
        // Killed between the audit line and `announced`: the line is there (one synchronous write), so only the record is missing.
        await appendJournal(journal, { type: 'announced' });
      } else if (!known.announced) {
        const finishedAt = typeof known.board.finished_at === 'string' ? known.board.finished_at : new Date().toISOString();
        await announceFinished(runtime, journal, id, known.row?.title ?? id, known, finishedAt);
      }
    } catch (error) {
      runtime.services.log.warn({ task: id, error: error instanceof Error ? error.message : String(error) }, 'could not bring a finished task to its journal yet; the next pass tries again');
    }
  }
}

/**
 * SPEC 3: a journal is one run of one row. The row that reuses the id starts a fresh run; the old
 * run's journal and artifacts move to runs/T-<n>/old-<time>/, the journal last, so a crash midway
 * leaves the journal in place and the next start moves the rest.
 */
export async function archiveJournal(runtime: RepoRuntime, id: string, reason: string): Promise<void> {
  const folder = runtime.paths.runDir(id);
  const archive = join(folder, `old-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(archive, { recursive: true });
  const entries = (await readdir(folder)).filter((name) => !name.startsWith('old-'));
  const ordered = [...entries.filter((name) => name !== 'journal.jsonl'), ...entries.filter((name) => name === 'journal.jsonl')];
  for (const name of ordered) {
    if (name === 'journal.jsonl') crashPoint('journal:archive:before');
    await rename(join(folder, name), join(archive, name));
  }
  crashPoint('journal:archive:after');
  runtime.services.log.warn({ task: id, archive, reason }, 'a new run of a reused id: the old run journal was archived, not applied');
  runtime.runNotices.set(id, `${reason}: a fresh run; the old run's journal is in ${archive}`);
}

async function cleanTempFiles(runtime: RepoRuntime): Promise<void> {
  const folders = [runtime.paths.stateDir, ...(await readdir(runtime.paths.runs).catch(() => [] as string[])).map((name) => join(runtime.paths.runs, name))];
  for (const folder of folders) {
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const pid = TEMP_FILE.exec(name)?.[1];
      if (pid === undefined || Number(pid) === process.pid || isAlive(Number(pid))) continue;
      await unlink(join(folder, name)).catch(() => undefined);
    }
  }
  const temp = tmpdir();
  for (const name of await readdir(temp).catch(() => [] as string[])) {
    if (!name.startsWith('ccx-leftovers-')) continue;
    const info = await lstat(join(temp, name)).catch(() => null);
    if (info?.isDirectory() === true && Date.now() - info.mtimeMs > LEFTOVERS_FOLDER_AGE_MS) await rm(join(temp, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
