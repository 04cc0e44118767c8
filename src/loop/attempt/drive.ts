import { isCcxError } from '../../errors.js';
import { runChecks } from './check.js';
import { budgetEnd, type AttemptEnd, type Engine } from './engine.js';
import { runReviewStep } from './review.js';
import { runWorkStep } from './work.js';

/** Runs the attempt's steps from where its state stands until one of them ends it. */
export async function driveAttempt(engine: Engine): Promise<AttemptEnd> {
  const { state, input } = engine;
  try {
    for (;;) {
      if (input.signal.aborted) return { exit: 'cancelled', message: `The attempt was cancelled before the ${state.step} step of cycle ${state.cycle}.` };
      const step = state.step;
      if (step === 'done') return { exit: 'error', message: 'The checkpoint says the attempt had already ended; there is nothing to resume.' };
      if (step === 'check') {
        const end = await runChecks(engine);
        if (end !== null) return end;
        continue;
      }
      const overBudget = budgetEnd(engine);
      if (overBudget !== null) return overBudget;
      const end = step === 'review' ? await runReviewStep(engine) : await runWorkStep(engine, step);
      if (end !== null) return end;
    }
  } catch (error) {
    if (input.signal.aborted) return { exit: 'cancelled', message: `The attempt was cancelled during the ${state.step} step of cycle ${state.cycle}.` };
    const detail = isCcxError(error) ? `${error.message}${error.hint === undefined ? '' : ` ${error.hint}`}` : error instanceof Error ? error.message : String(error);
    return { exit: 'error', message: `The ${state.step} step of cycle ${state.cycle} failed: ${detail}` };
  }
}
