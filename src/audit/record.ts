import { AUDIT_EVENTS, type AuditEventName, type AuditFields } from './events.js';
import { scrubReason } from './scrub.js';
import { SEVERITIES, TASK_REF_SCHEMA, type BaseKind, type FieldKind, type FieldSchema } from './schema.js';

/** Byte limits (of the JSON-encoded value) that keep one record well under 16 KB. */
export const MAX_NAME_BYTES = 200;
export const MAX_TEXT_BYTES = 1000;
export const MAX_PATH_BYTES = 1024;
export const MAX_LIST_ITEMS = 30;
export const MAX_LIST_ITEM_BYTES = 300;
export const MAX_RECORD_BYTES = 12 * 1024;
/** What the last-resort shrink cuts every string and list down to. */
const SHRUNK_STRING_BYTES = 100;
const SHRUNK_LIST_ITEMS = 5;
const ELLIPSIS = '…';

export type RecordValue = string | number | boolean | null | readonly string[] | Readonly<Record<string, number>> | Readonly<Record<string, string | null>>;
/** A record before pino adds `time`. */
export type AuditRecordBody = Record<string, RecordValue>;

/**
 * The record for `event`: `event`, `repo`, the task reference, then the event's fields in table
 * order. Fields the table does not name are dropped; a value of the wrong kind is dropped and
 * named in `invalid_fields`, so a bad call never writes something unexpected.
 */
export function buildRecord<E extends AuditEventName>(event: E, fields: AuditFields<E>, repo: string): AuditRecordBody {
  const given = fields as Readonly<Record<string, unknown>>;
  const record: AuditRecordBody = { event, repo: limitString(repo, MAX_PATH_BYTES) };
  const invalid: string[] = [];
  const schema: FieldSchema = { ...TASK_REF_SCHEMA, ...AUDIT_EVENTS[event] };
  for (const [name, kind] of Object.entries(schema)) {
    const raw = given[name];
    if (raw === undefined) {
      if (!isOptional(kind)) invalid.push(name);
      continue;
    }
    const value = raw === null && isOptional(kind) ? null : coerce(baseKind(kind), raw);
    if (value === undefined) invalid.push(name);
    else record[name] = value;
  }
  if (invalid.length > 0) record['invalid_fields'] = invalid;
  return fitRecord(record);
}

function isOptional(kind: FieldKind): boolean {
  return kind.endsWith('?');
}

function baseKind(kind: FieldKind): BaseKind {
  return (isOptional(kind) ? kind.slice(0, -1) : kind) as BaseKind;
}

function coerce(kind: BaseKind, raw: unknown): RecordValue | undefined {
  switch (kind) {
    case 'name':
      return typeof raw === 'string' ? limitString(raw, MAX_NAME_BYTES) : undefined;
    case 'text':
      return typeof raw === 'string' ? limitString(raw, MAX_TEXT_BYTES) : undefined;
    case 'reason':
      return typeof raw === 'string' ? limitString(scrubReason(raw), MAX_TEXT_BYTES) : undefined;
    case 'path':
      return typeof raw === 'string' ? limitString(raw, MAX_PATH_BYTES) : undefined;
    case 'int':
      return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : undefined;
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
    case 'bool':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'names':
    case 'texts':
      return Array.isArray(raw) && raw.every((item) => typeof item === 'string') ? limitList(raw as string[], MAX_LIST_ITEMS, MAX_LIST_ITEM_BYTES) : undefined;
    case 'counts':
      return counts(raw);
    case 'agent':
      return agent(raw);
  }
}

function agent(raw: unknown): Readonly<Record<string, string | null>> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { type, model, effort } = raw as Record<string, unknown>;
  const part = (value: unknown) => (typeof value === 'string' && value !== '' ? limitString(value, MAX_NAME_BYTES) : null);
  return typeof type === 'string' ? { type: limitString(type, MAX_NAME_BYTES), model: part(model), effort: part(effort) } : undefined;
}

function counts(raw: unknown): Readonly<Record<string, number>> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const given = raw as Record<string, unknown>;
  const result: Record<string, number> = {};
  for (const severity of SEVERITIES) {
    const value = given[severity] ?? 0;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return undefined;
    result[severity] = value;
  }
  return result;
}

function limitList(items: readonly string[], maxItems: number, itemBytes: number): string[] {
  const kept = items.length <= maxItems ? items : items.slice(0, maxItems - 1);
  const limited = kept.map((item) => limitString(item, itemBytes));
  if (kept.length < items.length) limited.push(`${ELLIPSIS} and ${items.length - kept.length} more`);
  return limited;
}

/** `text` cut so that its JSON encoding takes at most `maxBytes` bytes, marked with an ellipsis. */
export function limitString(text: string, maxBytes: number): string {
  if (jsonBytes(text) <= maxBytes) return text;
  // Every character takes at least one byte, so the answer is within the first maxBytes of them.
  let low = 0;
  let high = Math.min(text.length, maxBytes);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (jsonBytes(cut(text, middle) + ELLIPSIS) <= maxBytes) low = middle;
    else high = middle - 1;
  }
  return cut(text, low) + ELLIPSIS;
}

/** The first `length` UTF-16 units, never splitting a surrogate pair. */
function cut(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** The last guard of the size limit: should the fields add up past it, every string and list shrinks. */
function fitRecord(record: AuditRecordBody): AuditRecordBody {
  if (jsonBytes(record) <= MAX_RECORD_BYTES) return record;
  const shrunk: AuditRecordBody = {};
  for (const [name, value] of Object.entries(record)) {
    if (typeof value === 'string') shrunk[name] = limitString(value, SHRUNK_STRING_BYTES);
    else if (Array.isArray(value)) shrunk[name] = limitList(value as string[], SHRUNK_LIST_ITEMS, SHRUNK_STRING_BYTES);
    else shrunk[name] = value;
  }
  shrunk['truncated'] = true;
  return shrunk;
}
