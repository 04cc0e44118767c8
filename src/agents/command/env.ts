import type { TurnRequest } from '../types.js';

/**
 * A command agent's environment: the person's (agents use its logins), the caller's extra
 * variables (CCX_TASK_ID, CCX_ATTEMPT, CCX_CYCLE, CCX_STATE_DIR), and what this layer knows itself.
 */
export function commandEnv(request: TurnRequest, base: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    ...base,
    ...request.env,
    // An answerer turn runs read-only (role reviewer) but says what it is (SPEC 15).
    CCX_ROLE: request.env?.['CCX_ROLE'] === 'answerer' ? 'answerer' : request.role,
    CCX_MODEL: request.model,
    CCX_EFFORT: request.effort,
    CCX_WORKTREE: request.worktree,
    ...(request.ask === undefined ? {} : { CCX_ASK_FILE: request.ask.questionFile }),
  };
}
