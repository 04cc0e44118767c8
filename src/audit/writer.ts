import { chmodSync, constants, fstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import { CcxError, errnoCode } from '../errors.js';
import { crashPoint } from '../fs/crash-point.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../fs/atomic-write.js';
import { isAuditEventName, type AuditEventName, type AuditFields } from './events.js';
import { buildRecord, type AuditRecordBody } from './record.js';

/** A record as it was appended, `time` included: what in-process listeners see. */
export type AuditRecordWritten = Readonly<AuditRecordBody> & { readonly event: string; readonly time: string };

export interface AuditLog {
  readonly path: string;
  /** Appends one record: a single write(2) of one complete line. Never throws on I/O: see onError. */
  write<E extends AuditEventName>(event: E, fields: AuditFields<E>): void;
  /**
   * Calls `listener` with every record this log appends from now on (notifications follow the
   * daemon's records this way); returns the call that stops it. A listener that throws is ignored.
   */
  listen(listener: (record: AuditRecordWritten) => void): () => void;
  close(): void;
}

export interface AuditLogOptions {
  /** The repository the log belongs to; every record carries it. */
  repo: string;
  /**
   * Called when a record could not be written (disk full, STATE_DIR removed, …). The daemon must
   * not stop over its log; the default says so once on stderr until a write succeeds again.
   */
  onError?: (error: CcxError) => void;
}

/**
 * Opens (creating it 0600, in a 0700 folder) the audit log at `path` for appending. Every record is
 * written synchronously in one write to a file opened O_APPEND, so the daemon and any `ccx`
 * command can append to the same file and each line stays whole.
 */
export function openAuditLog(path: string, options: AuditLogOptions): AuditLog {
  let failing = false;
  const report = options.onError ?? ((error: CcxError) => process.stderr.write(`ccx: ${error.message}\n  ${error.hint ?? ''}\n`));
  const fail = (error: unknown) => {
    if (failing && options.onError === undefined) return;
    failing = true;
    report(auditError(path, error));
  };
  let sink: Sink;
  try {
    sink = openSink(path, fail);
  } catch (error) {
    throw auditError(path, error);
  }
  let closed = false;
  const listeners = new Set<(record: AuditRecordWritten) => void>();

  return {
    path,
    write(event, fields) {
      if (!isAuditEventName(event)) throw new CcxError('AUDIT_FAILED', `${JSON.stringify(event)} is not an audit event.`);
      if (closed) return fail(new Error('the audit log was closed'));
      const record = buildRecord(event, fields, options.repo);
      try {
        if (replaced(path, sink.fd)) {
          const previous = sink;
          sink = openSink(path, fail);
          previous.destination.destroy();
        }
        sink.logger.info(record);
        crashPoint(`audit:${event}:after`);
        failing = false;
      } catch (error) {
        fail(error);
      }
      // Told even when the line could not be written (a full disk): a person should still hear of it.
      tell(listeners, { time: new Date().toISOString(), ...record, event });
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      sink.destination.destroy();
    },
  };
}

function tell(listeners: ReadonlySet<(record: AuditRecordWritten) => void>, record: AuditRecordWritten): void {
  for (const listener of listeners) {
    try {
      listener(record);
    } catch {
      // A listener (notifications) must never cost the daemon its log.
    }
  }
}

interface Sink {
  fd: number;
  destination: ReturnType<typeof pino.destination>;
  logger: Logger;
}

/** Append, never through a link planted at the path (SPEC 13: an agent knows CCX_STATE_DIR). */
const APPEND_NO_FOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** Our own O_APPEND descriptor (so we can tell when the path names another file), with pino writing to it. */
function openSink(path: string, onError: (error: unknown) => void): Sink {
  ensurePrivateDir(dirname(path));
  const fd = openSync(path, APPEND_NO_FOLLOW, PRIVATE_FILE_MODE);
  const destination = pino.destination({ fd, sync: true });
  destination.on('error', onError);
  const logger = pino(
    {
      base: undefined,
      // No level in the record, and `time` first: pino's level cache becomes a bare `{`, and this
      // timestamp (without pino's usual leading comma) follows it. test/audit pins the result.
      formatters: { level: () => ({}) },
      timestamp: () => `"time":"${new Date().toISOString()}"`,
    },
    destination,
  );
  return { fd, destination, logger };
}

/** True when `path` no longer names the file `fd` is open on (a person removed or rotated it). */
function replaced(path: string, fd: number): boolean {
  let current;
  try {
    current = statSync(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return true;
    throw error;
  }
  const open = fstatSync(fd);
  return current.ino !== open.ino || current.dev !== open.dev;
}

function ensurePrivateDir(dir: string): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (created !== undefined) chmodSync(dir, PRIVATE_DIR_MODE);
}

function auditError(path: string, error: unknown): CcxError {
  if (errnoCode(error) === 'ELOOP') {
    return new CcxError('AUDIT_FAILED', `the audit log ${path} is a symbolic link that ccx did not make; ccx does not write through it.`, {
      hint: `Something (an agent?) put it there: look at what it points to, remove the link (rm ${path}), and ccx writes the log there again.`,
      cause: error,
    });
  }
  const reason = errnoCode(error) ?? (error instanceof Error ? error.message : String(error));
  return new CcxError('AUDIT_FAILED', `the audit log ${path} cannot be written (${reason}).`, {
    hint: 'Check that the disk has room and that the STATE_DIR belongs to you; ccx goes on without the record.',
    cause: error,
  });
}
