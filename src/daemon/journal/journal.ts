import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CcxError, errnoCode } from '../../errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../fs/atomic-write.js';
import { crashPoint } from '../../fs/crash-point.js';
import type { JournalRecord } from './records.js';

export function journalPath(runsFolder: string, id: string): string {
  return join(runsFolder, id, 'journal.jsonl');
}

type WithoutTime<T> = T extends unknown ? Omit<T, 'at'> : never;

/**
 * Appends one record and fsyncs it before returning: once this resolves, a crash cannot lose it.
 * Crash points `journal:<type>:before` and `journal:<type>:after` bound every record.
 */
export async function appendJournal(path: string, record: WithoutTime<JournalRecord>, now = new Date()): Promise<void> {
  crashPoint(`journal:${record.type}:before`);
  const planted = await journalFolder(path);
  const handle = await openNoFollow(path);
  try {
    await handle.write(`${JSON.stringify({ ...record, at: now.toISOString() })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  crashPoint(`journal:${record.type}:after`);
  if (planted !== null) throw planted;
}

/**
 * runs/ and runs/T-<n> as real folders. An agent knows CCX_STATE_DIR: a symbolic link it planted in
 * their place is removed (never followed, so nothing outside is touched or written) and the journal
 * goes on in a real folder; the link found is returned, to be reported once the record is safe.
 */
async function journalFolder(path: string): Promise<CcxError | null> {
  const folder = dirname(path);
  let planted: CcxError | null = null;
  for (const level of [dirname(folder), folder]) {
    const stats = await lstat(level).catch(() => null);
    if (stats?.isSymbolicLink() === true) {
      const target = await readlink(level).catch(() => '?');
      await unlink(level).catch(() => undefined);
      planted ??= new CcxError('LINK_REFUSED', `${level} is a symbolic link (to ${target}) that ccx did not make; ccx removed the link without following it (nothing there was written or deleted) and keeps the run journal in a new folder.`, {
        hint: 'Something (an agent?) put it there: look at what it pointed to; set the task to pending to run it again.',
      });
    } else if (stats !== null && !stats.isDirectory()) {
      throw new CcxError('PATH_OUTSIDE_ROOT', `${level} is not a folder, so ccx cannot keep the run journal ${path}.`, { hint: `Move ${level} away; ccx makes that folder itself.` });
    }
  }
  await mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
  return planted;
}

/** Opens the journal for appending without following a link planted at its name (one is removed first). */
async function openNoFollow(path: string): Promise<FileHandle> {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
  try {
    return await open(path, flags, PRIVATE_FILE_MODE);
  } catch (error) {
    if (errnoCode(error) !== 'ELOOP') throw error;
    await unlink(path);
    return open(path, flags, PRIVATE_FILE_MODE);
  }
}

/** Every record of a task's journal; a line torn by a crash mid-write is skipped. */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    // A link planted at the journal or its folder is not ccx's journal: its records are never read.
    if ((await lstat(dirname(path)).catch(() => null))?.isSymbolicLink() === true) return [];
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ELOOP') return [];
    throw error;
  }
  const records: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as JournalRecord;
      if (typeof record === 'object' && record !== null && typeof record.type === 'string') records.push(record);
    } catch {
      // The last line of a journal whose writer was killed mid-write.
    }
  }
  return records;
}
