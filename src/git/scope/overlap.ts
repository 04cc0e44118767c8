import type { GitRepo } from '../run.js';
import { isWholeRepository } from './pathspec.js';
import { staticScopeOverlap } from './static-overlap.js';
import { trackedInScope } from './tracked.js';
import type { Scope } from './types.js';

export type OverlapReason = 'whole-repo' | 'tracked' | 'glob' | 'none';

export interface ScopeOverlap {
  overlap: boolean;
  reason: OverlapReason;
  /** Tracked files both scopes cover, sorted: what STATUS.md names. */
  files: string[];
  /** A path both scopes could match (a shared file, or one the globs could both match). */
  example?: string;
}

/**
 * SPEC 7: two scopes overlap when either include is empty, a tracked file is in both, or their
 * globs could both match one path that does not exist yet. `tracked` lists a scope's tracked
 * files (default: git ls-files each time; the scheduler passes one that remembers them).
 */
export async function scopesOverlap(repo: GitRepo, a: Scope, b: Scope, tracked: (scope: Scope) => Promise<string[]> = (scope) => trackedInScope(repo, scope)): Promise<ScopeOverlap> {
  const wholeRepo = isWholeRepository(a) || isWholeRepository(b);
  // No path at all can be in both (exact, see staticScopeOverlap), so no tracked one is: git need not list them.
  const globs = wholeRepo ? null : staticScopeOverlap(a, b);
  if (globs !== null && !globs.overlap) return { overlap: false, reason: 'none', files: [] };
  const [inA, inB] = await Promise.all([tracked(a), tracked(b)]);
  const inBSet = new Set(inB);
  const files = inA.filter((path) => inBSet.has(path)).sort();
  const example = files[0];
  if (wholeRepo) return withExample({ overlap: true, reason: 'whole-repo', files }, example);
  if (files.length > 0) return withExample({ overlap: true, reason: 'tracked', files }, example);
  return withExample({ overlap: true, reason: 'glob', files }, globs?.example);
}

function withExample(overlap: ScopeOverlap, example: string | undefined): ScopeOverlap {
  return example === undefined ? overlap : { ...overlap, example };
}
