import { printable } from '../text/printable.js';
import { describeBoardDeferred } from './board-deferred.js';
import type { DaemonStatus, RepoStatus, RunningTaskStatus } from './types.js';

/** STATUS.md for one repository: the daemon, paused agents, running tasks, the queue with reasons, recent ends, problems. */
export function renderStatus(daemon: DaemonStatus, repo: RepoStatus, now = new Date()): string {
  const who = daemon.stoppedAt === undefined
    ? `Updated ${now.toISOString()} by the ccx daemon (pid ${daemon.pid}, up ${duration(now.getTime() - Date.parse(daemon.startedAt))}).`
    : `The ccx daemon (pid ${daemon.pid}) stopped at ${daemon.stoppedAt}; tasks shown as running resume from their last completed turn when it starts again.`;
  const lines = [`# ccx status: ${repo.repo}`, '', `${who} Integration branch: ${repo.integration}.`, ''];
  if (daemon.paused.length > 0) {
    lines.push('## Paused agents', '', ...daemon.paused.map((pause) => `- ${pause.agent}: usage limit, paused until ${pause.until} (the turn that hit it is retried then; no attempt is spent)`), '');
  }
  if (repo.boardWriteDeferred != null) lines.push(`**${describeBoardDeferred(repo.boardWriteDeferred.since)}.**`, '');
  const waiting = repo.waiting ?? [];
  lines.push('## Running', '');
  if (repo.running.length === 0) lines.push(waiting.length === 0 ? 'Nothing is running.' : `No agent is running; ${waiting.length} task${waiting.length === 1 ? ' waits' : 's wait'} (see Waiting).`);
  for (const task of repo.running) lines.push(runningLine(task, now));
  if ((repo.runners ?? []).length > 0) {
    lines.push('', '## Runners', '', ...(repo.runners ?? []).map((runner) => `- ${runner.name} (${runner.host}): ${runner.busy}/${runner.slots} slots busy${runner.labels.length === 0 ? '' : `, labels ${runner.labels.join(', ')}`}, last heartbeat ${runner.lastHeartbeat}${runner.lost ? ' — lost: no heartbeat, its attempts go to other runners' : ''}`));
  }
  if (waiting.length > 0) {
    lines.push('', '## Waiting', '');
    for (const task of waiting) lines.push(`- ${task.id} ${task.title}: waiting: ${task.reason}${task.note === '' ? '' : ` — ${task.note}`} (since ${task.since})`);
  }
  const foreign = repo.foreign ?? [];
  if (foreign.length > 0) {
    lines.push('', '## Not ccx\'s', '', 'These rows show running but no ccx run owns them: ccx leaves them untouched and starts nothing whose scope overlaps them.', '');
    for (const task of foreign) lines.push(`- ${task.id} ${task.title}: ${task.reason}`);
  }
  lines.push('', '## Queue', '');
  if (repo.queue.length === 0) lines.push('No pending tasks.');
  repo.queue.forEach((task, index) => lines.push(`${index + 1}. ${task.id} ${task.title}: ${task.reason}`));
  lines.push('', '## Recently finished', '');
  if (repo.finished.length === 0) lines.push('None yet.');
  for (const task of repo.finished) {
    const commit = task.commit === null ? '' : ` (${task.commit.slice(0, 12)})`;
    const cycles = task.cycles === null ? '' : `, ${task.cycles} cycle${task.cycles === 1 ? '' : 's'}`;
    lines.push(`- ${task.id} ${task.title}: ${task.status} (${task.exitStatus}${cycles}) at ${task.finishedAt}${commit}${task.error === undefined ? '' : ` — ${task.error.split('\n')[0] ?? ''}`}`);
  }
  const problems = [...repo.board.problems.map((problem) => `- BOARD.md:${problem.line}:${problem.column}: ${problem.message}`), ...(repo.configProblem === null ? [] : [`- config.yaml: ${repo.configProblem}`])];
  if (problems.length > 0) {
    lines.push('', '## Problems', '', repo.board.valid ? 'The rows below are skipped until fixed; everything else goes on.' : 'BOARD.md cannot be read as a whole: running tasks go on, nothing new starts until it is fixed.', '', ...problems);
  }
  if ((repo.notices ?? []).length > 0) {
    lines.push('', '## Notices', '', 'Not problems: these rows run as written, but their scope means something else than it did in ccx-loop.', '', ...(repo.notices ?? []).map((notice) => `- BOARD.md:${notice.line}:${notice.column}: ${notice.message}`));
  }
  if ((repo.runNotices ?? []).length > 0) lines.push('', '## Done for you', '', ...(repo.runNotices ?? []).map((notice) => `- ${notice}`));
  if (repo.orphans.worktrees.length > 0 || repo.orphans.branches.length > 0) {
    lines.push('', '## Left over', '', 'These belong to no task on the board; `ccx clean` removes them.', '', ...repo.orphans.worktrees.map((path) => `- worktree ${path}`), ...repo.orphans.branches.map((branch) => `- branch ${branch}`));
  }
  // Titles, reasons and problems quote boards and agents: a person cats this file, so nothing in it may drive the terminal.
  return `${printable(lines.join('\n'), { multiline: true })}\n`;
}

function runningLine(task: RunningTaskStatus, now: Date): string {
  const cycle = task.cycle > 0 ? `, cycle ${task.cycle}/${task.maxCycles}` : '';
  const cost = task.costUsd > 0 ? `, $${task.costUsd.toFixed(2)} so far` : '';
  const note = task.note === null ? '' : ` — ${task.note}`;
  const where = task.runner === undefined ? '' : ` on runner ${task.runner}`;
  return `- ${task.id} ${task.title}${where}: ${task.phase}${cycle}, attempt ${task.attempt}, ${task.agent} (${task.model}), ${duration(now.getTime() - Date.parse(task.startedAt))}${cost}${note}`;
}

export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h ${minutes % 60}m` : `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
