export { checkMerge, type MergeCheck } from './check.js';
export { findTaskCommit, type TaskCommit } from './find-task.js';
export { squashMessage, squashSubject, TASK_TRAILER, type SquashMessageInput } from './message.js';
export { AGENT_COMMIT_SUBJECT, DEFAULT_COMMIT_SUBJECT, commitSubject, commitSubjectProblem, recentSubjects, renderSubject, type AgentSubjectInput } from './subject.js';
export type { FileOverride } from './override.js';
export { readFileAtRev } from './read-file.js';
export { mergeIntegrationIntoTask, type ResolveStart } from './resolve.js';
export { squashMerge, MAX_MERGE_ATTEMPTS, type BaseMovedWait, type SquashMergeInput, type SquashMergeResult } from './squash.js';
export { baseMovedNote, droppedCommits, type DroppedCommit } from './base.js';
