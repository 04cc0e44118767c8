import { join } from 'node:path';
import { readArchives } from '../../archive/archive.js';
import { isTaskId } from '../../board/index.js';
import { dataRoot } from '../../config/paths.js';
import { runningDaemon } from '../../daemon/lock/daemon-lock.js';
import { journalPath, readJournal } from '../../daemon/journal/journal.js';
import { foldJournal } from '../../daemon/journal/state.js';
import { CcxError, UsageError } from '../../errors.js';
import { findOrphans, isLoopId, removeTaskWorkspace, resolveRef } from '../../git/index.js';
import { readBoardForCommand } from '../board-access.js';
import type { Command } from '../command.js';
import { initialisedContext, type RepoContext } from '../context.js';

export const clean: Command = {
  usage: 'ccx clean [<id>]',
  details: `With an id: removes that task's worktree (STATE_DIR/worktrees/T-<n>) and its branch ccx/T-<n>.
Without: removes those of every blocked, failed or cancelled task, and every worktree or ccx/T-*
branch that belongs to no task. A kept \`ccx loop\` run (ccx/L-<n>) goes only with
\`ccx clean L-<n>\`. A running or pending task is refused. Each removed branch is printed with its
last commit, so \`git branch <branch> <sha>\` brings it back.`,
  options: {},
  positionals: { min: 0, max: 1 },
  async run({ positionals, io }) {
    const only = positionals[0];
    if (only !== undefined && !isTaskId(only) && !isLoopId(only)) throw new UsageError(`${JSON.stringify(only)} is not a task id; ids look like T-7 (or L-3 for a kept \`ccx loop\` run).`);
    const context = await initialisedContext(io);
    const board = await readBoardForCommand(context);
    const daemonAlive = (await runningDaemon(dataRoot(context.env))) !== null;
    const targets: string[] = [];
    for (const row of board.rows) {
      if (only !== undefined && row.id !== only) continue;
      const active = foldJournal(await readJournal(journalPath(context.paths.runs, row.id))).phase === 'active';
      if (row.status === 'running' || row.status === 'pending' || (active && daemonAlive)) {
        if (only !== undefined) throw new CcxError('TASK_RUNNING', `${row.id} is ${row.status}; ccx does not remove the workspace of a task that may still run.`, { hint: `Cancel it first (ccx cancel ${row.id}), or wait until it ends.` });
        continue;
      }
      targets.push(row.id);
    }
    if (only !== undefined && targets.length === 0 && !board.rows.some((row) => row.id === only)) targets.push(only);
    let removed = 0;
    for (const id of targets) removed += await removeOne(context, id, io.stdout);
    if (only === undefined) {
      const orphans = await findOrphans(context.repo, context.paths.worktrees, board.rows.map((row) => row.id));
      for (const id of new Set([...orphans.worktrees.map((entry) => entry.id), ...orphans.branches.map((branch) => branch.id)])) {
        // ccx/L-* are `ccx loop` runs a person kept on purpose: only `ccx clean L-<n>` removes one.
        if (id !== null && !isLoopId(id) && !targets.includes(id)) removed += await removeOne(context, id, io.stdout);
      }
      for (const folder of orphans.strayFolders) io.stdout(`left ${folder} alone: it is not a git worktree (remove it yourself if it is yours)\n`);
    }
    if (removed === 0 && only !== undefined && isTaskId(only) && !board.rows.some((row) => row.id === only) && !(await isArchived(context.paths.archive, only))) {
      throw new CcxError('TASK_NOT_FOUND', `no task ${only} in BOARD.md or the archive.`, { hint: 'Check the id with `ccx tasks --all`.' });
    }
    if (removed === 0) io.stdout('Nothing to clean.\n');
  },
};

async function isArchived(archiveDir: string, id: string): Promise<boolean> {
  return (await readArchives(archiveDir)).some(({ board }) => board.rows.some((row) => row.id === id));
}

async function removeOne(context: RepoContext, id: string, print: (text: string) => void): Promise<number> {
  const sha = await resolveRef(context.repo, `refs/heads/ccx/${id}`);
  const result = await removeTaskWorkspace(context.repo, { id, path: join(context.paths.worktrees, id) });
  const parts: string[] = [];
  if (result.worktree === 'removed') parts.push(`worktree ${join(context.paths.worktrees, id)}`);
  if (result.branch === 'removed') parts.push(`branch ccx/${id}${sha === null ? '' : ` (was ${sha.slice(0, 12)}; \`git branch ccx/${id} ${sha}\` brings it back)`}`);
  if (result.branch === 'checked-out-elsewhere') print(`kept branch ccx/${id}: it is checked out in ${result.checkedOutAt ?? 'another worktree'}\n`);
  if (parts.length > 0) print(`removed ${id}: ${parts.join(', ')}\n`);
  return parts.length > 0 ? 1 : 0;
}
