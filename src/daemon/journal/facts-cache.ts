import { readdir, stat } from 'node:fs/promises';
import { journalPath, readJournal } from './journal.js';
import { foldJournal, type TaskFacts } from './state.js';

const TASK_FOLDER = /^T-[1-9][0-9]*$/;

/**
 * Every task's folded journal under a runs folder, for each reconcile pass. A journal is only ever
 * appended to, so one whose size and mtime have not changed since it was folded is not read again:
 * a pass costs a stat per task ever run, not a read and a fold of every journal.
 */
export class JournalFactsCache {
  private readonly folded = new Map<string, { size: number; mtimeMs: number; facts: TaskFacts }>();

  constructor(private readonly runsFolder: string) {}

  /** Every task with a journal that holds a record, by id. The facts are shared: read them, don't change them. */
  async all(): Promise<Map<string, TaskFacts>> {
    const facts = new Map<string, TaskFacts>();
    const names = await readdir(this.runsFolder).catch(() => [] as string[]);
    const seen = new Set<string>();
    for (const id of names.filter((name) => TASK_FOLDER.test(name))) {
      seen.add(id);
      const found = await this.factsOf(id);
      if (found !== null) facts.set(id, found);
    }
    for (const id of this.folded.keys()) if (!seen.has(id)) this.folded.delete(id);
    return facts;
  }

  private async factsOf(id: string): Promise<TaskFacts | null> {
    const path = journalPath(this.runsFolder, id);
    // Stat before reading: an append landing in between changes the size again, so it is read next time.
    const info = await stat(path).catch(() => null);
    const cached = this.folded.get(id);
    if (info !== null && cached !== undefined && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached.facts;
    this.folded.delete(id);
    const records = await readJournal(path);
    if (records.length === 0) return null;
    const facts = foldJournal(records);
    if (info !== null) this.folded.set(id, { size: info.size, mtimeMs: info.mtimeMs, facts });
    return facts;
  }
}
