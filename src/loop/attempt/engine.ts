import type { Ledger } from '../artifacts/ledger.js';
import type { AttemptCheckpoint, AttemptExit, AttemptInput, Finding, LoopEvent } from '../types.js';

/** One attempt in progress: its input, its state (what a checkpoint holds), and how it reports. */
export interface Engine {
  input: AttemptInput;
  state: AttemptCheckpoint;
  maxCycles: number;
  branch: string;
  ledger: Ledger;
  emit(event: LoopEvent): void;
  /** Hands a copy of the state to hooks.onCheckpoint. */
  checkpoint(): Promise<void>;
}

/** How an attempt ended, before the result is put together. */
export interface AttemptEnd {
  exit: AttemptExit;
  message: string;
  /** Open findings at the end; defaults to the state's. */
  unresolved?: Finding[];
}

/** The base the review diff and the scope check use: a resolve run's is the merged integration head. */
export function reviewBase(state: AttemptCheckpoint): string {
  return state.resolve !== null && state.resolve.integrationHead !== '' ? state.resolve.integrationHead : state.base;
}

export function taskCostUsd(engine: Engine): number {
  return (engine.input.spentUsd ?? 0) + engine.state.costUsd;
}

/** max_cost_usd passed: the next turn does not start. */
export function budgetEnd(engine: Engine): AttemptEnd | null {
  const max = engine.input.task.maxCostUsd;
  const spent = taskCostUsd(engine);
  if (max === null || spent <= max) return null;
  return { exit: 'budget', message: `The task has cost $${spent.toFixed(4)}, past its max_cost_usd of $${max.toFixed(2)}, so no further turn was started.` };
}
