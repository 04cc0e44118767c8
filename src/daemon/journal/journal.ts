import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoCode } from '../../errors.js';
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
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const handle = await open(path, 'a', PRIVATE_FILE_MODE);
  try {
    await handle.write(`${JSON.stringify({ ...record, at: now.toISOString() })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  crashPoint(`journal:${record.type}:after`);
}

/** Every record of a task's journal; a line torn by a crash mid-write is skipped. */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
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
