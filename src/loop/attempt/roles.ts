import type { AgentSlot, AttemptTask } from '../types.js';

/** The cycle cap: forever runs to max_cycles; loop, duet and conductor run `loops` cycles. */
export function maxCyclesOf(task: Pick<AttemptTask, 'mode' | 'loops' | 'maxCycles'>): number {
  return task.mode === 'forever' ? task.maxCycles : task.loops;
}

export function otherSlot(slot: AgentSlot): AgentSlot {
  return slot === 'implementer' ? 'reviewer' : 'implementer';
}

/**
 * Which configured agent works (implements, fixes, resolves) in `cycle`: the implementer, or the
 * reviewer with codex_first; in duet mode the two take turns, the first one in odd cycles.
 */
export function workSlot(task: Pick<AttemptTask, 'mode' | 'codexFirst'>, cycle: number): AgentSlot {
  const first: AgentSlot = task.codexFirst ? 'reviewer' : 'implementer';
  return task.mode === 'duet' && cycle % 2 === 0 ? otherSlot(first) : first;
}

/** The other agent reviews what the working one did. */
export function reviewSlot(task: Pick<AttemptTask, 'mode' | 'codexFirst'>, cycle: number): AgentSlot {
  return otherSlot(workSlot(task, cycle));
}
