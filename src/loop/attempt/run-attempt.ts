import type { AttemptResult, AttemptInput } from '../types.js';
import { adoptOpenAsk } from './ask-step.js';
import { driveAttempt } from './drive.js';
import { finishAttempt } from './finish.js';
import { beginAttempt, freshCheckpoint, startEngine } from './start.js';

/**
 * One attempt of one task (SPEC 6 steps 2–7): implement, check scope, test, commit, review, filter,
 * fix, until an exit. With `input.resume` it continues after the last completed turn. Resolves
 * with how it ended; rejects only when the attempt cannot be set up (see types.ts).
 */
export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const engine = await startEngine(input, (head) => freshCheckpoint(input, head, { cycle: 1, step: 'implement' }));
  await beginAttempt(engine);
  adoptOpenAsk(engine);
  if (input.resume === undefined) engine.emit({ type: 'cycle.started', cycle: 1, maxCycles: engine.maxCycles });
  return finishAttempt(engine, await driveAttempt(engine));
}
