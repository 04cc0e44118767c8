import type { TaskRow } from '../board/types.js';
import { describeDraftWait, draftDependencies } from './draft-dependencies.js';
import type { DispatchInput, DispatchPlan, RunningTask, WaitReason } from './types.js';

const PRIORITY_ORDER = { high: 0, normal: 1, low: 2 } as const;

/** SPEC 7's order: priority, then id number. */
export function dispatchOrder(rows: readonly TaskRow[]): TaskRow[] {
  return [...rows].sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a.number - b.number);
}

/**
 * Which pending tasks start now (SPEC 7): every depends_on merged, no scope overlap with a running
 * task of the repository, a free slot here and across repositories, and the agents not paused.
 * Every task that does not start gets the reason it waits.
 */
export async function planDispatch(input: DispatchInput): Promise<DispatchPlan> {
  const statusById = new Map(input.rows.map((row) => [row.id, row.status]));
  const running: RunningTask[] = [...input.running];
  const plan: DispatchPlan = { start: [], waiting: [] };
  const pendingRows = dispatchOrder(input.candidates ?? input.rows.filter((row) => row.status === 'pending'));
  for (const row of pendingRows) {
    const reason = await whyWait(row, input, statusById, running, plan.start.length);
    if (reason === null) {
      plan.start.push(row);
      running.push({ id: row.id, scope: row.scope });
    } else {
      plan.waiting.push({ row, reason });
    }
  }
  return plan;
}

async function whyWait(row: TaskRow, input: DispatchInput, statusById: Map<string, string>, running: RunningTask[], started: number): Promise<WaitReason | null> {
  if (!input.boardValid) return { kind: 'board-invalid' };
  const unmet = row.dependsOn.filter((id) => statusById.get(id) !== 'merged');
  const drafts = draftDependencies(row, statusById);
  if (unmet.length > 0) return { kind: 'depends', on: unmet, ...(drafts.length === 0 ? {} : { drafts }) };
  for (const agent of input.agentsNeeded) {
    if (input.pausedAgents.has(agent)) return { kind: 'agent-paused', agent, until: input.pausedAgents.get(agent) ?? null };
  }
  for (const other of running) {
    const overlap = await input.overlap(row.scope, other.scope);
    if (overlap.overlap) return { kind: 'overlap', with: other.id, files: overlap.files, ...(overlap.example === undefined ? {} : { example: overlap.example }) };
  }
  if (running.filter((task) => task.parked !== true).length >= input.parallel) return { kind: 'repo-slots', parallel: input.parallel };
  if (started >= input.globalFree) return { kind: 'global-slots', maxWorkers: input.globalFree };
  return null;
}

/** A wait reason as one line for STATUS.md. */
export function describeWait(reason: WaitReason): string {
  switch (reason.kind) {
    case 'depends': {
      const drafts = reason.drafts ?? [];
      const others = reason.on.filter((id) => !drafts.includes(id));
      const merged = others.length === 0 ? null : `waits for ${others.join(', ')} to be merged (depends_on)`;
      return [drafts.length === 0 ? null : describeDraftWait(drafts), merged].filter((part) => part !== null).join('; ');
    }
    case 'overlap': {
      const shown = reason.files.slice(0, 5).join(', ');
      const more = reason.files.length > 5 ? ` and ${reason.files.length - 5} more` : '';
      const what = reason.files.length > 0 ? `on ${shown}${more}` : reason.example === undefined ? 'on the whole repository' : `(both scopes could match ${reason.example})`;
      return `scope overlaps running ${reason.with} ${what}`;
    }
    case 'repo-slots':
      return `no free slot: ${reason.parallel} task${reason.parallel === 1 ? '' : 's'} of this repository already running (parallel: ${reason.parallel})`;
    case 'global-slots':
      return 'no free slot: CCX_MAX_WORKERS tasks are running across all repositories';
    case 'agent-paused':
      return `${reason.agent} is paused by a usage limit ${reason.until === null ? 'for a backoff' : `until ${reason.until.toISOString()}`}`;
    case 'board-invalid':
      return 'BOARD.md has a problem (see Board problems); nothing new starts until it is fixed';
  }
}
