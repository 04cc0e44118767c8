import { CcxError, UsageError } from '../../errors.js';
import { isTaskId } from '../../board/index.js';
import { boardStore, readBoardForCommand } from '../board-access.js';
import type { Command } from '../command.js';
import { initialisedContext } from '../context.js';

export const cancel: Command = {
  usage: 'ccx cancel <id>',
  details: `Sets the task's status to cancelled on the board, as you could by editing BOARD.md. The
daemon stops a running task's agents within seconds and keeps its branch and worktree for
inspection (\`ccx clean <id>\` removes them). Set the status back to pending to retry it.`,
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, io }) {
    const id = positionals[0] ?? '';
    if (!isTaskId(id)) throw new UsageError(`${JSON.stringify(id)} is not a task id; ids look like T-7.`);
    const context = await initialisedContext(io);
    const board = await readBoardForCommand(context);
    const row = board.rows.find((candidate) => candidate.id === id);
    if (row === undefined) throw new CcxError('TASK_NOT_FOUND', `the board has no valid row ${id}.`, { hint: 'Check the id with `ccx tasks`.' });
    if (!['pending', 'running', 'draft'].includes(row.status)) {
      throw new CcxError('TASK_NOT_FOUND', `${id} is ${row.status}, so there is nothing to cancel.`, { hint: row.status === 'cancelled' ? 'It is already cancelled.' : 'Only draft, pending and running tasks can be cancelled.' });
    }
    await boardStore(context).setFields(id, { status: 'cancelled' });
    io.stdout(row.status === 'running' ? `${id} cancelled: the daemon stops its agents within seconds and keeps its branch ${row.branch ?? `ccx/${id}`}.\n` : `${id} cancelled.\n`);
  },
};
