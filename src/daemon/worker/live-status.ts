import type { RunningTaskStatus } from '../../status/types.js';

/** What a worker shows in STATUS.md, updated from the loop's events. */
export function initialStatus(id: string, title: string, attempt: number, maxCycles: number): RunningTaskStatus {
  return { id, title, attempt, phase: 'starting', cycle: 0, maxCycles, agent: '-', model: '-', startedAt: new Date().toISOString(), costUsd: 0, note: null };
}
