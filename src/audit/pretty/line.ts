import type { AuditRecord } from '../reader.js';
import { summarise } from './summary.js';
import { localClock, localDay } from './units.js';
import { printable } from '../../text/printable.js';

/** Column widths: `T-123 a4 c10` and the longest event name fit. */
export const REF_WIDTH = 12;
export const EVENT_WIDTH = 16;

export interface PrettyOptions {
  /** ANSI colours (a terminal, and NO_COLOR unset). */
  color: boolean;
}

export type Tone = 'bad' | 'good' | 'warn' | null;

const ANSI = { bad: '\u001b[31m', good: '\u001b[32m', warn: '\u001b[33m', dim: '\u001b[2m', reset: '\u001b[0m' } as const;

/**
 * A printer for a stream of records: one line each (local time, task/attempt/cycle, event, a
 * compact summary), and a day line before the first record of each local day. Returns the text
 * to print, newline-terminated.
 */
export function auditPrinter(options: PrettyOptions): (record: AuditRecord) => string {
  let lastDay: string | null = null;
  const paint = (tone: Tone | 'dim', text: string) => (options.color && tone !== null ? `${ANSI[tone]}${text}${ANSI.reset}` : text);
  return (record) => {
    const time = new Date(record.time);
    const valid = !Number.isNaN(time.getTime());
    const day = valid ? localDay(time) : null;
    let text = '';
    if (day !== null && day !== lastDay) {
      text += `${paint('dim', `── ${day} ──`)}\n`;
      lastDay = day;
    }
    const clock = valid ? localClock(time) : record.time.slice(0, 8).padEnd(8);
    // Records quote file names, titles and agents' reasons: escaped before any colour is added.
    text += `${paint('dim', printable(clock))}  ${printable(reference(record)).padEnd(REF_WIDTH)}  ${paint(tone(record), printable(record.event).padEnd(EVENT_WIDTH))}  ${printable(summarise(record, valid ? time : new Date()))}`.trimEnd();
    return `${text}\n`;
  };
}

function reference(record: AuditRecord): string {
  const parts = [
    typeof record.task === 'string' ? record.task : null,
    typeof record.attempt === 'number' ? `a${record.attempt}` : null,
    typeof record.cycle === 'number' ? `c${record.cycle}` : null,
  ];
  return parts.filter((part) => part !== null).join(' ');
}

/** How a record reads: bad (red), good (green), warn (yellow) or plain; also its journald priority. */
export function tone(record: AuditRecord): Tone {
  switch (record.event) {
    case 'board.invalid':
    case 'config.invalid':
    case 'inbox.rejected':
    case 'task.stuck':
    case 'merge.conflict':
    case 'recovery.failed':
      return 'bad';
    case 'merge.done':
      return 'good';
    case 'merge.waiting':
    case 'limit.paused':
    case 'task.escalated':
    case 'task.cancelled':
    case 'recovery.orphan':
      return 'warn';
    case 'test.finished':
      return record['passed'] === true ? null : 'bad';
    case 'turn.finished':
      return record['outcome'] === 'ok' ? null : 'warn';
    case 'review.verdict':
      return record['verdict'] === 'approve' ? 'good' : null;
    case 'task.finished':
      return record['status'] === 'merged' ? 'good' : 'bad';
    default:
      return null;
  }
}
