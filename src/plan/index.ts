export { PLAN_PHASE, PLAN_TRIES } from './ask.js';
export { MAX_WORK_BYTES, documentWork, promptWork } from './document.js';
export { MAX_OVERVIEW_CHARS, fileOverview } from './overview.js';
export { planTasks, type PlanInput, type PlanResult } from './run-plan.js';
export { MAX_EXCLUDE_GLOBS, MAX_INCLUDE_GLOBS, MAX_PLAN_TASKS, planSchema } from './schema.js';
export { NEW_PATH_MARK, draftedReport } from './table.js';
export type { DraftedTask, GroundedTask, NewPathGlob, PlanWork, PlannedTask } from './types.js';
