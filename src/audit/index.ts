export { AUDIT_EVENTS, AUDIT_EVENT_NAMES, isAuditEventName, type AuditEventName, type AuditFields } from './events.js';
export { FOLLOW_POLL_MS, followAuditLog, type FollowOptions, type FollowReset } from './follow.js';
export { auditPrinter, type PrettyOptions } from './pretty/line.js';
export { auditTailHas, parseAuditLine, readAuditLog, scanAuditLog, MAX_LINE_BYTES, type AuditRead, type AuditReadOptions, type AuditLinePlace, type AuditRecord, type AuditScan, type OnAuditRecord } from './reader.js';
export { MAX_LIST_ITEMS, MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_RECORD_BYTES, MAX_TEXT_BYTES } from './record.js';
export { SEVERITIES, type Severity, type SeverityCounts, type TaskRef } from './schema.js';
export { openAuditLog, type AuditLog, type AuditLogOptions, type AuditRecordWritten } from './writer.js';
export { EVENT_WIDTH, REF_WIDTH, tone as auditTone, type Tone as AuditTone } from './pretty/line.js';
