import { setFieldEdits } from '../../board/edit/index.js';
import type { ParsedBoard } from '../../board/parse/board.js';
import type { TaskRow, TaskStatus } from '../../board/types.js';
import { CcxError } from '../../errors.js';
import { ApiError } from '../server/api-error.js';
import type { UiRepo } from './repos.js';
import { rowVersion } from './row-version.js';
import { boardRow, rowView } from './task-detail.js';

/** The row moves a person can make from the page, each what editing the status on the board does (SPEC 3). */
export const ROW_ACTIONS = {
  pending: { from: ['draft'], to: 'pending', says: 'only a draft row can be flipped to pending' },
  cancel: { from: ['draft', 'pending', 'running'], to: 'cancelled', says: 'only draft, pending and running tasks can be cancelled (as with `ccx cancel`)' },
  retry: { from: ['blocked', 'failed', 'cancelled'], to: 'pending', says: 'only blocked, failed and cancelled tasks can be retried' },
} as const satisfies Record<string, { from: readonly TaskStatus[]; to: TaskStatus; says: string }>;

export type RowAction = keyof typeof ROW_ACTIONS;

export function isRowAction(name: string): name is RowAction {
  return Object.hasOwn(ROW_ACTIONS, name);
}

/**
 * POST /api/repos/:key/tasks/:id/{pending,cancel,retry} with `{"expect": "<version>"}`: the status
 * written through the board store's compare-and-swap. The check runs on the text the write lands
 * on (again after every lost swap), so a row an editor or the daemon changed since the page read
 * it is never overwritten: 409 with the fresh row instead.
 */
export async function applyRowAction(repo: UiRepo, id: string, action: RowAction, expect: string | undefined): Promise<Record<string, unknown>> {
  await boardRow(repo, id);
  const rule = ROW_ACTIONS[action];
  let refusal: ApiError | null = null;
  try {
    const result = await repo.store.update((board) => {
      refusal = null;
      const row = board.rows.find((candidate) => candidate.id === id);
      if (row === undefined) {
        refusal = new ApiError(404, 'NOT_FOUND', `the board of ${repo.key} no longer has a valid row ${id}.`);
        return null;
      }
      if (expect !== undefined && rowVersion(board, id) !== expect) {
        refusal = conflict('ROW_CHANGED', `${id} changed since the page read it (an edit of BOARD.md or the daemon); look at the fresh row and try again.`, board, row);
        return null;
      }
      if (!(rule.from as readonly string[]).includes(row.status)) {
        refusal = conflict('WRONG_STATUS', `${id} is ${row.status}: ${rule.says}.`, board, row);
        return null;
      }
      return setFieldEdits(board, id, { status: rule.to });
    });
    if (refusal !== null) throw refusal;
    const after = await boardRow(repo, id);
    return { row: rowView(after.board, after.row), changed: result.changed };
  } catch (error) {
    if (error instanceof CcxError) throw new ApiError(409, error.code, `${error.message}${error.hint === undefined ? '' : ` ${error.hint}`}`);
    throw error;
  }
}

function conflict(code: string, message: string, board: ParsedBoard, row: TaskRow): ApiError {
  return new ApiError(409, code, message, { row: rowView(board, row) });
}
