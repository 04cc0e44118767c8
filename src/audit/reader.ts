import { open, type FileHandle } from 'node:fs/promises';
import { errnoCode } from '../errors.js';

/** One record as read back: the fields every record has, and whatever its event carries. */
export interface AuditRecord {
  readonly time: string;
  readonly event: string;
  readonly repo: string;
  readonly task?: string;
  readonly attempt?: number;
  readonly cycle?: number;
  readonly [field: string]: unknown;
}

export interface AuditReadOptions {
  /** Only records of this task. */
  task?: string;
  /** Start at this byte offset (the `offset` of an earlier read) instead of the beginning. */
  sinceOffset?: number;
}

export interface AuditScan {
  /** Complete lines that did not parse as a record (a torn write, a person's edit). */
  skipped: number;
  /** The byte offset just past the last complete line: where the next read starts. */
  offset: number;
}

export interface AuditRead extends AuditScan {
  records: AuditRecord[];
}

const CHUNK_BYTES = 64 * 1024;
/** A "line" longer than this without a newline is not a record: it is skipped, not buffered. */
export const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

/** Reads the audit log (or its part from `sinceOffset`); a missing file reads as empty. */
export async function readAuditLog(path: string, options: AuditReadOptions = {}): Promise<AuditRead> {
  const records: AuditRecord[] = [];
  const scan = await scanAuditLog(path, options, (record) => records.push(record));
  return { records, ...scan };
}

/**
 * Calls `onRecord` for each complete line from `sinceOffset` on, in order, without holding the
 * file in memory. A last line without its newline yet (a write in progress) is left for the next
 * read: `offset` stops before it.
 */
export async function scanAuditLog(path: string, options: AuditReadOptions, onRecord: OnAuditRecord): Promise<AuditScan> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { skipped: 0, offset: options.sinceOffset ?? 0 };
    throw error;
  }
  try {
    return await scanAuditHandle(handle, options, onRecord);
  } finally {
    await handle.close();
  }
}

/** Where a record's line lies in the file: `offset` is its first byte (the SSE event id of `ccx ui`), `end` just past its newline. */
export interface AuditLinePlace {
  offset: number;
  end: number;
  /** The line as written (without its newline): what a stream can pass on without serialising the record again. */
  text: string;
}

export type OnAuditRecord = (record: AuditRecord, place: AuditLinePlace) => void;

/** scanAuditLog on a file already open (a follower keeps the file it checked). */
export async function scanAuditHandle(handle: FileHandle, options: AuditReadOptions, onRecord: OnAuditRecord): Promise<AuditScan> {
  const start = options.sinceOffset ?? 0;
  let skipped = 0;
  let position = start;
  let offset = start;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  const line = (bytes: Buffer, at: { offset: number; end: number }) => {
    const text = bytes.toString('utf8');
    const record = parseAuditLine(text);
    if (record === 'blank') return;
    if (record === null) skipped += 1;
    else if (options.task === undefined || record.task === options.task) onRecord(record, { ...at, text });
  };
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    position += bytesRead;
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      const end = position - bytesRead + at + 1;
      if (overlong) skipped += 1;
      // A line inside one chunk is read in place; only one that spans chunks is copied together.
      else line(pending.length === 0 ? chunk.subarray(from, at) : Buffer.concat([...pending, chunk.subarray(from, at)]), { offset, end });
      pending = [];
      pendingBytes = 0;
      overlong = false;
      from = at + 1;
      offset = position - bytesRead + from;
    }
    if (!overlong && from < chunk.length) {
      pending.push(Buffer.from(chunk.subarray(from)));
      pendingBytes += chunk.length - from;
      if (pendingBytes > MAX_LINE_BYTES) {
        overlong = true;
        pending = [];
      }
    }
  }
  return { skipped, offset };
}

/** One line as a record, 'blank' for an empty line, or null when it is not a record. */
export function parseAuditLine(text: string): AuditRecord | 'blank' | null {
  if (text.trim() === '') return 'blank';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (typeof record['time'] !== 'string' || typeof record['event'] !== 'string') return null;
  return record as AuditRecord;
}

/** How much of the audit log's end is searched for a line a crash may have kept from being written. */
const AUDIT_TAIL_BYTES = 1024 * 1024;

/**
 * Whether the last MB of the audit log holds `event` for `task` (and `attempt`, when given) written
 * at or after `since`: a restart asks it before writing a line that a kill -9 may have come just
 * before or just after, so the line is there once.
 */
export async function auditTailHas(path: string, wanted: { event: string; task: string; attempt?: number; since: string }): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return false;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, AUDIT_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').split('\n').some((line) => {
      if (!line.includes(`"${wanted.event}"`) || !line.includes(`"${wanted.task}"`)) return false;
      try {
        const record = JSON.parse(line) as { event?: string; task?: string; time?: string; attempt?: number };
        return record.event === wanted.event && record.task === wanted.task && typeof record.time === 'string' && record.time >= wanted.since
          && (wanted.attempt === undefined || record.attempt === wanted.attempt);
      } catch {
        return false;
      }
    });
  } finally {
    await handle.close();
  }
}
