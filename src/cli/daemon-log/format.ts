import { UsageError } from '../../errors.js';

export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How the daemon's stderr is written, decided once at start. */
export interface LogStyle {
  format: LogFormat;
  /** Each line starts with its syslog priority (`<4>`), for journald's `-p`. */
  journald: boolean;
  color: boolean;
}

/**
 * `--log-format` when given, else readable lines when a person watches (stderr or stdout is a
 * terminal) and pino JSON otherwise (a pipe, a file, the service manager).
 */
export function logFormat(flag: string | undefined, terminal: { stdoutIsTTY: boolean; stderrIsTTY: boolean }): LogFormat {
  if (flag === undefined) return terminal.stderrIsTTY || terminal.stdoutIsTTY ? 'pretty' : 'json';
  if ((LOG_FORMATS as readonly string[]).includes(flag)) return flag as LogFormat;
  throw new UsageError(`--log-format must be pretty or json, but it is ${JSON.stringify(flag)}.`, { hint: 'pretty: readable event lines (the default on a terminal); json: one pino JSON object a line (the default otherwise).' });
}

/** systemd sets INVOCATION_ID for every service it starts, and JOURNAL_STREAM when stdout/stderr go to the journal. */
export function underJournald(env: NodeJS.ProcessEnv): boolean {
  return (env['INVOCATION_ID'] ?? '') !== '' || (env['JOURNAL_STREAM'] ?? '') !== '';
}

/** syslog priorities as journald reads them from a `<n>` line prefix (sd-daemon(3)). */
export const PRIORITY = { error: 3, warning: 4, info: 6, debug: 7 } as const;

/** A pino level (10 trace … 60 fatal) as a syslog priority. */
export function priorityOfLevel(level: number): number {
  if (level >= 50) return PRIORITY.error;
  if (level >= 40) return PRIORITY.warning;
  if (level >= 30) return PRIORITY.info;
  return PRIORITY.debug;
}

/** Prefixes every line of `text` with `<priority>` when journald reads it; else returns it as it is. */
export function withPriority(text: string, priority: number, journald: boolean): string {
  if (!journald) return text;
  return text.replace(/^(?=.)/gm, `<${priority}>`);
}
