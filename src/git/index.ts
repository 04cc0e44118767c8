export { changedPathsSince } from './commit/changed-paths.js';
export { diffSince, type BranchDiff } from './commit/diff.js';
export type { FileChange } from './commit/changes.js';
export { FALLBACK_IDENTITY } from './commit/identity.js';
export { turnCommitMessage, type TurnRole } from './commit/message.js';
export { commitTurn, type CommitTurnInput, type TurnCommit } from './commit/turn.js';
export {
  checkGitVersion,
  currentBranch,
  hasCommits,
  openRepo,
  requireBranch,
  requireCommits,
  requireCurrentBranch,
  requireGitVersion,
  resolveRef,
} from './repo.js';
export type { GitRepo } from './run.js';
export { outOfScopePaths, type OutOfScopeInput } from './scope/out-of-scope.js';
export { scopesOverlap, type OverlapReason, type ScopeOverlap } from './scope/overlap.js';
export { pathInScope, staticScopeOverlap, type StaticOverlap } from './scope/static-overlap.js';
export { trackedInScope } from './scope/tracked.js';
export type { Scope } from './scope/types.js';
export { validatePathspecs, type PathspecCheck } from './scope/validate.js';
export { createTaskWorktree, type CreateWorktreeInput, type TaskWorktree } from './worktree/create.js';
export { isLoopId, requireTaskId, taskBranch } from './worktree/ids.js';
export { dirtyPaths, restoreWorktree, saveLeftovers, worktreeHead, type SavedLeftovers } from './worktree/leftovers.js';
export { findOrphans, listCcxWorkspaces, type CcxWorkspaces } from './worktree/orphans.js';
export { pinTaskWorktree, type PinnedWorktree } from './worktree/pin.js';
export { removeTaskWorkspace, type RemovedWorkspace } from './worktree/remove.js';
