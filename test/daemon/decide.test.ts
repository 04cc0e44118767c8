import { describe, expect, it } from 'vitest';
import { parseBoard } from '../../src/board/parse/parser.js';
import type { TaskRow } from '../../src/board/types.js';
import { decide } from '../../src/daemon/reconcile/decide.js';
import { emptyFacts, foldJournal, type TaskFacts } from '../../src/daemon/journal/state.js';
import type { JournalRecord } from '../../src/daemon/journal/records.js';

function row(fields: string): TaskRow {
  const board = parseBoard(`## Tasks\n\n\`\`\`yaml\n- id: T-1\n  title: t\n${fields}\`\`\`\n`);
  const found = board.rows[0];
  if (found === undefined) throw new Error(JSON.stringify(board.problems));
  return found;
}

const runningFields = { status: 'running', attempts: 1, started_at: '2026-01-01T00:00:00Z', worktree: '/w/T-1', branch: 'ccx/T-1' } as const;
const running: TaskFacts = { ...emptyFacts(), phase: 'active', attempt: 1, board: runningFields, shown: runningFields };
const blocked: TaskFacts = { ...emptyFacts(), phase: 'finished', attempt: 2, finished: { status: 'blocked', exitStatus: 'stuck', error: 'stuck on X', cycles: 3, commit: null }, board: { status: 'blocked', attempts: 2, exit_status: 'stuck', finished_at: '2026-01-02T00:00:00Z' }, shown: { status: 'blocked', attempts: 2, exit_status: 'stuck', finished_at: '2026-01-02T00:00:00Z' } };
const merged: TaskFacts = { ...blocked, finished: { status: 'merged', exitStatus: 'approved', error: null, cycles: 1, commit: 'abc' }, board: { status: 'merged', attempts: 1, exit_status: 'approved', commit: 'abc' }, shown: { status: 'merged', attempts: 1, exit_status: 'approved', commit: 'abc' } };

describe('what the daemon does about a row (board intent against journal facts)', () => {
  it('schedules a pending row it never ran', () => {
    expect(decide(row('  status: pending\n'), emptyFacts(), false)).toEqual({ kind: 'candidate' });
  });

  it('cancels a running task a person flipped to cancelled', () => {
    expect(decide(row('  status: cancelled\n  attempts: 1\n'), running, true)).toEqual({ kind: 'cancel' });
  });

  it('leaves a running task alone while the row agrees with what ccx wrote', () => {
    const shown = row('  status: running\n  attempts: 1\n  started_at: "2026-01-01T00:00:00Z"\n  worktree: /w/T-1\n  branch: ccx/T-1\n');
    expect(decide(shown, running, true)).toEqual({ kind: 'none' });
  });

  it('writes back the fields a stale editor buffer reverted on a running task', () => {
    expect(decide(row('  status: pending\n'), running, true)).toEqual({ kind: 'write-back', fields: running.board });
  });

  it('resumes a task the journal has under way when no worker runs it (after a restart)', () => {
    expect(decide(row('  status: running\n'), running, false)).toEqual({ kind: 'resume' });
  });

  it('takes a blocked task flipped to pending (only the status changed) as a retry', () => {
    const flipped = row('  status: pending\n  attempts: 2\n  exit_status: stuck\n  finished_at: "2026-01-02T00:00:00Z"\n');
    expect(decide(flipped, blocked, false)).toEqual({ kind: 'retry' });
  });

  it('takes a pending row that also lost ccx\'s bookkeeping as a stale buffer, not a retry', () => {
    expect(decide(row('  status: pending\n'), blocked, false)).toEqual({ kind: 'write-back', fields: blocked.board });
  });

  // ccx writes a worker_pid only beside running: a row with one and another status is a person's hand,
  // whatever else the buffer held (chaos seed 1128639458 it 5 lost such a retry).
  it('takes a person\'s status on a row that still shows the run (a stale buffer\'s) as their move once the task ended', () => {
    const runRow = '  attempts: 2\n  started_at: "2026-01-01T00:00:00Z"\n  worktree: /w/T-1\n  branch: ccx/T-1\n  worker_pid: 4242\n';
    expect(decide(row(`  status: pending\n${runRow}`), blocked, false)).toEqual({ kind: 'retry' });
    expect(decide(row(`  status: cancelled\n${runRow}`), blocked, false)).toEqual({ kind: 'accept', fields: { status: 'cancelled' } });
    expect(decide(row(`  status: pending\n${runRow}`), merged, false)).toEqual({ kind: 'write-back', fields: merged.board });
    // The run's own row (status running) after the end is ccx's write not landed yet, not a move.
    expect(decide(row(`  status: running\n${runRow}`), blocked, false)).toEqual({ kind: 'write-back', fields: blocked.board });
    // Once the cancel is taken (ccx's intent now), the run's bookkeeping left beside it is written over, not taken again.
    const taken: TaskFacts = { ...blocked, board: { ...blocked.board, status: 'cancelled' }, shown: { ...blocked.shown, status: 'cancelled' } };
    expect(decide(row(`  status: cancelled\n${runRow}`), taken, false)).toEqual({ kind: 'write-back', fields: taken.board });
  });

  it('never retries a merged task, and writes merged back', () => {
    expect(decide(row('  status: pending\n  attempts: 1\n  exit_status: approved\n  commit: abc\n'), merged, false)).toEqual({ kind: 'write-back', fields: merged.board });
  });

  it('accepts a person cancelling a blocked task', () => {
    const cancelled = row('  status: cancelled\n  attempts: 2\n  exit_status: stuck\n  finished_at: "2026-01-02T00:00:00Z"\n');
    expect(decide(cancelled, blocked, false)).toEqual({ kind: 'accept', fields: { status: 'cancelled' } });
  });

  it('leaves a row that says running (or ccx-loop\'s assigned) alone when ccx has no run of it: another tool\'s', () => {
    const decision = decide(row('  status: assigned\n'), emptyFacts(), false);
    expect(decision.kind).toBe('foreign');
    expect(decision.kind === 'foreign' && decision.reason).toContain('T-1 shows assigned but ccx has no run of it');
    expect(decide(row('  status: running\n'), emptyFacts(), false).kind).toBe('foreign');
  });

  it('judges a person\'s flip against what the board last showed, not against a write that never landed', () => {
    // ccx wants running (journalled) but its write was deferred: the board still shows pending, and the person cancels.
    const deferred: TaskFacts = { ...running, row: row('  status: pending\n'), shown: {} };
    expect(decide(row('  status: cancelled\n'), deferred, true)).toEqual({ kind: 'cancel' });
    // The same row, never flipped: ccx's running is written (it lags, it is not a stale buffer of the person's).
    expect(decide(row('  status: pending\n'), deferred, true)).toEqual({ kind: 'write-back', fields: running.board });
  });

  it('writes a finished task\'s final fields to a row that still shows running (killed between `finished` and the board write)', () => {
    const shownRunning = { ...blocked, shown: running.board };
    const lagging = row('  status: running\n  attempts: 1\n  started_at: "2026-01-01T00:00:00Z"\n  worktree: /w/T-1\n  branch: ccx/T-1\n');
    expect(decide(lagging, shownRunning, false)).toEqual({ kind: 'write-back', fields: blocked.board });
  });

  it('starts a fresh run for a row that reuses the id of a finished run with another title', () => {
    const old = { ...merged, row: row('  status: pending\n') };
    const reused = parseBoard('## Tasks\n\n```yaml\n- id: T-1\n  title: something new\n  status: pending\n```\n').rows[0];
    expect(reused && decide(reused, old, false).kind).toBe('new-run');
  });

  it('after a retry, a row that still shows pending (ccx\'s running not landed yet) is written back, not taken as the person\'s', () => {
    const at = '2026-01-01T00:00:00Z';
    const pending = row('  status: pending\n');
    const finishedFields = { status: 'blocked', attempts: 1, exit_status: 'stuck', finished_at: at } as const;
    const records: JournalRecord[] = [
      { type: 'dispatched', at, attempt: 1, rung: 'default', worktree: '/w/T-1', branch: 'ccx/T-1', base: 'b', row: pending },
      { type: 'board', at, fields: runningFields },
      { type: 'board-shown', at, fields: runningFields },
      { type: 'finished', at, status: 'blocked', exitStatus: 'stuck', error: null, fields: finishedFields },
      { type: 'board-shown', at, fields: finishedFields },
      { type: 'retry', at },
      { type: 'dispatched', at, attempt: 2, rung: 'default', worktree: '/w/T-1', branch: 'ccx/T-1', base: 'b', row: pending },
      { type: 'board', at, fields: { ...runningFields, attempts: 2 } },
    ];
    const retried = foldJournal(records);
    const shown = row('  status: pending\n  attempts: 1\n  worktree: /w/T-1\n  branch: ccx/T-1\n  started_at: "2026-01-01T00:00:00Z"\n  exit_status: stuck\n  finished_at: "2026-01-01T00:00:00Z"\n');
    expect(decide(shown, retried, true)).toEqual({ kind: 'write-back', fields: retried.board });
  });
});
