import { scanAuditLog, type AuditRecord } from '../../audit/reader.js';

/** A new client gets this many of the newest events unless it asks (`?history=N`) for another number. */
export const DEFAULT_HISTORY = 500;
/** The most events one replay (history or a resume) sends. */
export const MAX_HISTORY = 10_000;

export interface LogSource {
  key: string;
  audit: string;
}

export interface SourcedEvent {
  key: string;
  offset: number;
  record: AuditRecord;
  /** The record's line as written (valid JSON: it parsed). */
  text: string;
}

export interface CatchUp {
  /** The events to replay, oldest first. */
  events: SourcedEvent[];
  /** Per repository, where following starts: just past the last complete line read. */
  ends: Map<string, number>;
  /** Per repository, the offset of the newest line left out of the replay (it counts as sent). */
  skipped: Map<string, number>;
}

/**
 * What a client has missed: with a cursor, every line after the one it names (per repository), else
 * the newest `limit` lines; at most `limit` either way, the newest kept. Across repositories the
 * events are merged by time.
 */
export async function catchUp(sources: readonly LogSource[], cursor: Map<string, number> | null, limit: number, task?: string): Promise<CatchUp> {
  const ends = new Map<string, number>();
  const skipped = new Map<string, number>();
  const all: SourcedEvent[] = [];
  for (const source of sources) {
    const after = cursor?.get(source.key);
    const kept: SourcedEvent[] = [];
    const scan = await scanAuditLog(source.audit, { sinceOffset: after ?? 0, ...(task === undefined ? {} : { task }) }, (record, place) => {
      if (after !== undefined && place.offset <= after) return;
      kept.push({ key: source.key, offset: place.offset, record, text: place.text.trim() });
      // Keeps memory bounded on a long log: only the newest `limit` can be sent.
      if (kept.length > limit * 2) skipped.set(source.key, (kept.splice(0, kept.length - limit)).at(-1)?.offset ?? 0);
    });
    ends.set(source.key, scan.offset);
    all.push(...kept);
  }
  if (sources.length > 1) all.sort((a, b) => (a.record.time < b.record.time ? -1 : a.record.time > b.record.time ? 1 : 0));
  const dropped = all.length > limit ? all.splice(0, all.length - limit) : [];
  for (const event of dropped) skipped.set(event.key, Math.max(skipped.get(event.key) ?? -1, event.offset));
  return { events: all, ends, skipped };
}
