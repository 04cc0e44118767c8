import type { TurnOutcome } from '../../agents/index.js';
import type { AgentSlot, AttemptExit, LoopPhase } from '../types.js';
import type { AttemptEnd, Engine } from './engine.js';

/**
 * A turn that did not finish: timeout and cancel end the attempt as such, and so does claude's own
 * budget stop when ccx passed it the task's max_cost_usd; anything else is an error.
 */
export function turnFailed(engine: Engine, phase: LoopPhase, slot: AgentSlot, outcome: Pick<TurnOutcome, 'kind' | 'message'>): AttemptEnd {
  const budget = outcome.kind === 'budget' && engine.input.task.maxCostUsd !== null;
  const exit: AttemptExit = outcome.kind === 'timeout' ? 'timeout' : outcome.kind === 'cancelled' ? 'cancelled' : budget ? 'budget' : 'error';
  const agent = engine.input.agents[slot].type;
  return { exit, message: `The ${phase} turn of cycle ${engine.state.cycle} (${agent}) ended with ${outcome.kind}: ${outcome.message}` };
}
