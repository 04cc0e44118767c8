/**
 * Where a client of /api/events is in the audit logs: for each repository key, the byte offset of
 * the last line it got. One repository's stream uses the bare offset as the event id
 * (`1234`); the stream of all repositories `key@offset,key2@offset`. A repository absent from the
 * cursor has sent nothing yet: a resume starts it from its first line.
 */
export type EventCursor = Map<string, number>;

const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

export function formatCursor(cursor: EventCursor, single: string | null): string {
  if (single !== null) return String(cursor.get(single) ?? '');
  return [...cursor].map(([key, offset]) => `${key}@${offset}`).join(',');
}

/** The cursor a Last-Event-ID names, or null when it is not one (the caller answers 400). */
export function parseCursor(text: string, single: string | null): EventCursor | null {
  const cursor: EventCursor = new Map();
  const trimmed = text.trim();
  if (single !== null) {
    const offset = offsetOf(trimmed);
    if (offset === null) return null;
    cursor.set(single, offset);
    return cursor;
  }
  if (trimmed === '') return cursor;
  for (const part of trimmed.split(',')) {
    const at = part.lastIndexOf('@');
    const offset = at <= 0 ? null : offsetOf(part.slice(at + 1));
    if (offset === null) return null;
    cursor.set(part.slice(0, at), offset);
  }
  return cursor;
}

function offsetOf(text: string): number | null {
  if (!/^[0-9]{1,16}$/.test(text)) return null;
  const value = Number(text);
  return value <= MAX_OFFSET ? value : null;
}
