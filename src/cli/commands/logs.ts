import { auditPrinter, followAuditLog, scanAuditLog, type AuditRecord, type FollowReset } from '../../audit/index.js';
import { isTaskId } from '../../board/index.js';
import { UsageError } from '../../errors.js';
import { colorEnabled } from '../../text/color.js';
import { booleanOption, stringOption, type CliIO, type Command } from '../command.js';
import { initialisedContext } from '../context.js';

/** Records `ccx logs -f` shows before it starts following, unless -n says otherwise (like tail -f). */
export const FOLLOW_BACKLOG_LINES = 20;

export const logs: Command = {
  usage: 'ccx logs [-f] [--task T-n] [-n N] [--json]',
  details: `Prints STATE_DIR/audit.jsonl one record a line: local time, task/attempt/cycle, event, and
the event's key facts (agent, model, exit code, duration, verdict counts, merge commit, …).
A line that does not parse is skipped; how many were skipped is said on stderr at the end.

Options:
  -f, --follow   keep printing records as the daemon appends them, until Ctrl-C; a log that does
                 not exist yet is waited for, and one truncated or replaced is read from its start
  --task T-n     only the records of this task
  -n, --lines N  only the last N records (default: all; with -f, the last ${FOLLOW_BACKLOG_LINES})
  --json         the records as JSON Lines, one object a line as audit.jsonl holds them, for jq
                 (\`ccx logs --json -f | jq -c 'select(.event == "merge.done")'\`)`,
  options: { follow: { type: 'boolean', short: 'f' }, task: { type: 'string' }, lines: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const task = stringOption(values, 'task');
    if (task !== undefined && !isTaskId(task)) throw new UsageError(`--task must be a task id such as T-7, but it is ${JSON.stringify(task)}.`);
    const follow = booleanOption(values, 'follow');
    const lines = lineCount(stringOption(values, 'lines')) ?? (follow ? FOLLOW_BACKLOG_LINES : Infinity);
    const path = (await initialisedContext(io, { readOnly: true })).paths.audit;
    const print = booleanOption(values, 'json') ? jsonLine : auditPrinter({ color: colorEnabled(io.env, io.stdoutIsTTY) });
    const filter = task === undefined ? {} : { task };

    const backlog: AuditRecord[] = [];
    let total = 0;
    const scan = await scanAuditLog(path, filter, (record) => {
      total += 1;
      if (lines === Infinity) return io.stdout(print(record));
      if (lines === 0) return;
      backlog.push(record);
      if (backlog.length > lines) backlog.shift();
    });
    for (const record of backlog) io.stdout(print(record));
    let skipped = scan.skipped;
    if (!follow) {
      if (total === 0) io.stderr(`No audit records${task === undefined ? '' : ` for ${task}`} in ${path} yet.\n`);
      reportSkipped(io, skipped);
      return 0;
    }
    if (scan.offset === 0 && total === 0) io.stderr(`Waiting for records in ${path} (Ctrl-C to stop)…\n`);
    skipped += await followUntilSignal(path, scan.offset, filter, (record) => io.stdout(print(record)), io);
    reportSkipped(io, skipped);
    return 0;
  },
};

function jsonLine(record: AuditRecord): string {
  return `${JSON.stringify(record)}\n`;
}

function lineCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`-n must be a whole number of records, but it is ${JSON.stringify(value)}.`);
  return Number(value);
}

const RESET_NOTES: Record<FollowReset, string> = {
  truncated: 'was truncated: reading it from the start',
  replaced: 'was replaced: reading the new file from the start',
  removed: 'was removed: waiting for it to come back',
};

/** Follows until SIGINT or SIGTERM; returns how many lines did not parse. */
async function followUntilSignal(path: string, offset: number, filter: { task?: string }, onRecord: (record: AuditRecord) => void, io: CliIO): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await followAuditLog(path, {
      ...filter,
      fromOffset: offset,
      signal: stop.signal,
      onRecord,
      onReset: (reason) => io.stderr(`${path} ${RESET_NOTES[reason]}.\n`),
    });
    return result.skipped;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function reportSkipped(io: CliIO, skipped: number): void {
  if (skipped > 0) io.stderr(`${skipped} line${skipped === 1 ? '' : 's'} of the audit log did not parse and ${skipped === 1 ? 'was' : 'were'} skipped.\n`);
}
