import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBoard } from '../board/parse/parser.js';
import { withLadderFileProblems } from '../board/skip-rows.js';
import { readLadder } from '../loop/ladder/load.js';
import { openRepo } from '../git/repo.js';
import { scopeMeaningNotices, type ScopeMeaningNotice } from '../git/scope/default-meaning.js';
import type { BoardProblem } from '../board/types.js';
import type { ConfigReportProblem } from '../config/config-report.js';
import { readBoardRecovering } from '../board/store/read.js';
import type { DaemonRecord } from '../daemon/lock/daemon-lock.js';
import type { RepoStatus } from './types.js';
import { draftWaits } from '../scheduler/draft-dependencies.js';
import { describeBoardDeferred } from './board-deferred.js';
import { describeTaskWait, taskWaits } from './waits.js';

/** `ccx status --json`, as SPEC 9 fixes it. */
export interface StatusReport {
  daemon: { running: boolean; pid: number | null };
  repos: Array<{
    repo: string;
    state_dir: string;
    board: { valid: boolean; problems: Array<{ line: number; column: number; message: string; task: string | null }> };
    /** While an editor's `.#BOARD.md` lock holds the running daemon's board writes back. */
    board_write_deferred?: { since: string; message: string };
    /** config.yaml: its problems, each at its line:column (the daemon keeps the last good one meanwhile). */
    config: { valid: boolean; problems: ConfigReportProblem[] };
    paused_until: string | null;
    tasks: Array<Record<string, unknown>>;
    /** Rows that show running with no ccx run (another tool's), when the daemon runs and there are any. */
    foreign?: Array<{ id: string; reason: string }>;
    /** SPEC 16: runners and their slots and last heartbeat, when the daemon runs with `runners:`. */
    runners?: Array<{ name: string; host: string; slots: number; busy: number; labels: string[]; last_heartbeat: string; lost: boolean }>;
  }>;
}

/**
 * One repository's part of the report: the board as it reads now (problems fresh), with what the
 * running daemon last wrote to status.json (phase, cycle, why a task waits) when it runs.
 */
export async function repoReport(stateDir: string, repoPath: string, daemon: DaemonRecord | null, config: StatusReport['repos'][number]['config'] = { valid: true, problems: [] }): Promise<StatusReport['repos'][number]> {
  const live = daemon === null ? null : await readLive(stateDir);
  const read = await readBoardRecovering(join(stateDir, 'BOARD.md'));
  const parsed = read.kind === 'ok' ? parseBoard(read.bytes) : null;
  const ladder = parsed === null ? null : await readLadder(join(stateDir, 'model-ladder.json'));
  const board = parsed === null || ladder === null || 'ladder' in ladder ? parsed : withLadderFileProblems(parsed, 'model-ladder.json', ladder.problems);
  const problems: BoardProblem[] = board?.problems ?? [{ line: 1, column: 1, level: 'file', task: null, message: read.kind === 'unreadable' ? read.reason : `BOARD.md is ${read.kind}` }];
  const notices = board === null || !board.valid ? [] : await noticesFor(repoPath, board.rows);
  const running = new Map((live?.repo.running ?? []).map((task) => [task.id, task]));
  const waiting = new Map((live?.repo.queue ?? []).map((task) => [task.id, task.reason]));
  // Read from the journals, so a wait shows whether or not a daemon runs.
  for (const [id, wait] of await taskWaits(stateDir, live?.repo.waiting ?? [])) waiting.set(id, describeTaskWait(wait));
  // A dependency on a draft waits for a person, daemon or not.
  for (const [id, wait] of draftWaits(board?.rows ?? [])) if (!waiting.has(id)) waiting.set(id, wait);
  const paused = live?.daemon.paused ?? [];
  return {
    repo: repoPath,
    state_dir: stateDir,
    board: { valid: board?.valid ?? false, problems: problems.map(({ line, column, message, task }) => ({ line, column, message, task })) },
    config,
    ...(live?.repo.boardWriteDeferred == null ? {} : { board_write_deferred: { since: live.repo.boardWriteDeferred.since, message: describeBoardDeferred(live.repo.boardWriteDeferred.since) } }),
    paused_until: paused.length === 0 ? null : paused.map((pause) => pause.until).sort().at(-1) ?? null,
    ...(live?.repo.runners === undefined ? {} : { runners: live.repo.runners.map(({ lastHeartbeat, ...runner }) => ({ ...runner, last_heartbeat: lastHeartbeat })) }),
    ...((live?.repo.foreign ?? []).length === 0 ? {} : { foreign: (live?.repo.foreign ?? []).map(({ id, reason }) => ({ id, reason })) }),
    tasks: (board?.rows ?? []).map((row) => {
      const live = running.get(row.id);
      return {
        id: row.id,
        title: row.title,
        status: row.status,
        priority: row.priority,
        attempts: row.attempts,
        exit_status: row.exitStatus,
        commit: row.commit,
        ...(live === undefined ? {} : { phase: live.phase, cycle: live.cycle, max_cycles: live.maxCycles, agent: live.agent, model: live.model, cost_usd: live.costUsd, note: live.note, started_at: live.startedAt, ...(live.runner === undefined ? {} : { runner: live.runner }) }),
        ...(waiting.has(row.id) ? { waiting: waiting.get(row.id) } : {}),
        ...(notices.some((notice) => notice.task === row.id) ? { notices: notices.filter((notice) => notice.task === row.id).map((notice) => notice.message) } : {}),
      };
    }),
  };
}

/** Scopes that mean something else than in ccx-loop; none when the repository cannot be opened. */
async function noticesFor(repoPath: string, rows: Parameters<typeof scopeMeaningNotices>[1]): Promise<ScopeMeaningNotice[]> {
  try {
    return await scopeMeaningNotices(() => openRepo(repoPath, { readOnly: true }), rows);
  } catch {
    return [];
  }
}

async function readLive(stateDir: string): Promise<{ daemon: { paused: Array<{ agent: string; until: string }> }; repo: RepoStatus } | null> {
  try {
    return JSON.parse(await readFile(join(stateDir, 'status.json'), 'utf8')) as { daemon: { paused: Array<{ agent: string; until: string }> }; repo: RepoStatus };
  } catch {
    return null;
  }
}
