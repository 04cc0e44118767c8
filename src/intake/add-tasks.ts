import { unlink } from 'node:fs/promises';
import type { BoardStore } from '../board/store/board-store.js';
import type { NewRow, RowValue } from '../board/edit/index.js';
import type { ParsedBoard } from '../board/parse/board.js';
import type { LoopMode, Priority, Scope } from '../board/types.js';
import { defaultBriefField } from '../brief/location.js';
import { briefPathFor, claimNumber, nextNumber, numbersUsedOnDisk } from '../brief/ids.js';
import { createFileExclusive } from '../fs/atomic-write.js';
import { ensureDirNoFollow } from '../fs/no-follow.js';
import type { StatePaths } from '../config/paths.js';

/** A task about to be added; its id is chosen when it is added. */
export interface TaskDraft {
  title: string;
  status: 'draft' | 'pending';
  scope?: Scope;
  priority?: Priority;
  /** Existing ids, or `{ draft: i }` for another draft of the same call (ccx plan's keys). */
  dependsOn?: Array<string | { draft: number }>;
  mode?: LoopMode;
  modelStart?: string;
  notes?: string;
  /** Other person-owned row fields, as written (an inbox submission's loops, min_severity, …). */
  fields?: Record<string, RowValue | undefined>;
  /** The brief's text, once the id is known. */
  brief: (id: string) => string;
}

export interface IntakeContext {
  store: BoardStore;
  paths: StatePaths;
  /** Where accepted inbox files go (their T-<n> names count as used ids). */
  acceptedFolder?: string;
}

/**
 * Reserves ids for `drafts` by creating their briefs: a brief file is created only if it does not
 * exist, so two processes adding tasks at once can never take the same id.
 */
export async function reserveIds(context: IntakeContext, board: ParsedBoard, drafts: readonly TaskDraft[]): Promise<string[]> {
  if (drafts.length === 0) return [];
  // A link planted at tasks/ (an agent knows CCX_STATE_DIR) would take the briefs outside STATE_DIR.
  await ensureDirNoFollow(context.paths.stateDir, context.paths.tasks);
  const folders = { tasks: context.paths.tasks, runs: context.paths.runs, worktrees: context.paths.worktrees, accepted: context.acceptedFolder, archive: context.paths.archive };
  let number = nextNumber(board.usedNumbers, await numbersUsedOnDisk(folders));
  const ids: string[] = [];
  for (const draft of drafts) {
    const claimed = await claimNumber(number, (candidate) => createFileExclusive(briefPathFor(context.paths.tasks, candidate), draft.brief(`T-${candidate}`)));
    ids.push(`T-${claimed}`);
    number = claimed + 1;
  }
  return ids;
}

/** Appends the rows of reserved drafts; a row already on the board (a retry after a crash) is not added twice. */
export async function appendReserved(context: IntakeContext, drafts: readonly TaskDraft[], ids: readonly string[]) {
  return context.store.appendRows((board) => drafts.flatMap((draft, index) => {
    const id = ids[index] as string;
    return board.usedNumbers.includes(Number(id.slice(2))) ? [] : [rowOf(draft, id, ids)];
  }));
}

/** Adds tasks: ids reserved, rows appended by compare-and-swap. On failure the reserved briefs are removed. */
export async function addTasks(context: IntakeContext, drafts: readonly TaskDraft[]): Promise<string[]> {
  // A write that changes nothing: throws now, before any id is reserved, if the board cannot be written.
  const { board } = await context.store.update(() => null);
  const ids = await reserveIds(context, board, drafts);
  try {
    await appendReserved(context, drafts, ids);
  } catch (error) {
    await Promise.all(ids.map((id) => unlink(briefPathFor(context.paths.tasks, Number(id.slice(2)))).catch(() => undefined)));
    throw error;
  }
  return ids;
}

function rowOf(draft: TaskDraft, id: string, ids: readonly string[]): NewRow {
  const dependsOn = (draft.dependsOn ?? []).map((dependency) => (typeof dependency === 'string' ? dependency : (ids[dependency.draft] as string)));
  return {
    id,
    title: draft.title,
    status: draft.status,
    priority: draft.priority,
    scope: draft.scope === undefined || (draft.scope.include.length === 0 && draft.scope.exclude.length === 0) ? undefined : { include: draft.scope.include, exclude: draft.scope.exclude },
    depends_on: dependsOn.length === 0 ? undefined : dependsOn,
    mode: draft.mode,
    model_start: draft.modelStart,
    ...draft.fields,
    brief: defaultBriefField(id),
    notes: draft.notes === undefined || draft.notes.trim() === '' ? undefined : draft.notes,
  };
}
