import { join } from 'node:path';
import { JournalFactsCache } from '../daemon/journal/facts-cache.js';
import type { TaskFacts } from '../daemon/journal/state.js';
import type { WaitingTaskStatus } from './types.js';

export type TaskWait = Pick<WaitingTaskStatus, 'reason' | 'note' | 'since'>;

/**
 * Every task's wait (SPEC 11: waits are states), whether or not a daemon runs: a merge wait comes
 * from the run journals; a transition the board could not take yet (board-busy) from what the
 * running daemon last wrote to status.json, passed in as `live`.
 */
export async function taskWaits(stateDir: string, live: readonly WaitingTaskStatus[] = []): Promise<Map<string, TaskWait>> {
  const waits = new Map<string, TaskWait>();
  for (const [id, facts] of await new JournalFactsCache(join(stateDir, 'runs')).all()) {
    if (facts.phase === 'active' && facts.wait !== null) waits.set(id, { reason: facts.wait.reason, note: facts.wait.note, since: facts.wait.since });
    const question = questionWait(id, facts);
    if (question !== null) waits.set(id, question);
  }
  for (const wait of live) if (!waits.has(wait.id)) waits.set(wait.id, { reason: wait.reason, note: wait.note, since: wait.since });
  return waits;
}

/** `waiting: <reason> — <note>`, as STATUS.md, `ccx status` and `ccx tasks` show it. */
export function describeTaskWait(wait: TaskWait): string {
  return `waiting: ${wait.reason}${wait.note === '' ? '' : ` — ${wait.note}`}`;
}

/** SPEC 15: a task whose agent asked the person shows `waiting: question` until it is answered. */
export function questionWait(id: string, facts: TaskFacts): TaskWait | null {
  if (facts.phase !== 'active' || facts.ask === null) return null;
  const { open, parked } = facts.ask;
  const turn = parked ? 'no turn runs meanwhile' : 'the turn waits for it';
  return { reason: 'question', note: `"${open.question.length > 120 ? `${open.question.slice(0, 119)}…` : open.question}" — answer under "## Answer" in asks/${id}.md or run: ccx answer ${id} "…" (${turn})`, since: open.askedAt };
}
