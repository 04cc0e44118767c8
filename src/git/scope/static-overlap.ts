import { PATH_BYTES } from './glob/charset.js';
import { parsePathspec } from './glob/magic.js';
import { NfaBuilder, accepts } from './glob/nfa.js';
import { compilePathspec } from './glob/pathspec.js';
import type { SearchTrack } from './glob/search.js';
import { searchCommonPath } from './glob/search.js';
import { scopePathspecs } from './pathspec.js';
import type { Scope } from './types.js';

export interface StaticOverlap {
  overlap: boolean;
  /** The shortest path both scopes match (when they overlap and the search found one). */
  example?: string;
  /** True when the answer leans on an assumption: unmodelled magic, or a search too large to finish. */
  assumed: boolean;
}

/**
 * Whether some path, existing or not, could be in both scopes: exact for git's glob pathspecs
 * (include minus exclude), with a shortest example. Magic that cannot be modelled (attr, prefix)
 * matches everything in an include and nothing in an exclude: both only widen a scope, so "no
 * overlap" stays exact and "overlap" may be an over-estimate (`assumed`).
 */
export function staticScopeOverlap(a: Scope, b: Scope): StaticOverlap {
  const excludes = new NfaBuilder();
  const excludeStart = excludes.state();
  const tracks: SearchTrack[] = [];
  let assumed = false;
  for (const scope of [a, b]) {
    const includes = new NfaBuilder();
    const start = includes.state();
    let positive = 0;
    for (const element of scopePathspecs(scope)) {
      const exclude = parsePathspec(element).exclude;
      const compiled = compilePathspec(exclude ? excludes : includes, element);
      if (compiled.kind === 'unknown') assumed = true;
      if (exclude) {
        if (compiled.kind === 'automaton') excludes.epsilon(excludeStart, compiled.start);
        continue;
      }
      positive++;
      if (compiled.kind === 'automaton') includes.epsilon(start, compiled.start);
      else includes.accept(includes.repeat(start, PATH_BYTES));
    }
    // With no include at all git matches everything minus the excludes.
    if (positive === 0) includes.accept(includes.repeat(start, PATH_BYTES));
    tracks.push({ nfa: includes.nfa, start, mustReject: false });
  }
  tracks.push({ nfa: excludes.nfa, start: excludeStart, mustReject: true });
  const result = searchCommonPath(tracks);
  if (result.found === 'gave-up') return { overlap: true, assumed: true };
  if (result.found) return { overlap: true, example: result.path, assumed };
  return { overlap: false, assumed: false };
}

/**
 * Whether `path` is in `scope` by the same automata (include minus exclude); 'unknown' when an
 * element that could decide it uses magic the matcher cannot model.
 */
export function pathInScope(scope: Scope, path: string): boolean | 'unknown' {
  const bytes = new Uint8Array(Buffer.from(path, 'utf8'));
  let included: boolean | 'unknown' = false;
  let excluded: boolean | 'unknown' = false;
  let positive = 0;
  for (const element of scopePathspecs(scope)) {
    const builder = new NfaBuilder();
    const compiled = compilePathspec(builder, element);
    const matched = compiled.kind === 'unknown' ? 'unknown' : accepts(builder.nfa, compiled.start, bytes);
    if (compiled.exclude) {
      excluded = anyOf(excluded, matched);
    } else {
      positive++;
      included = anyOf(included, matched);
    }
  }
  if (positive === 0) included = true;
  if (included === false || excluded === true) return false;
  return included === true && excluded === false ? true : 'unknown';
}

function anyOf(a: boolean | 'unknown', b: boolean | 'unknown'): boolean | 'unknown' {
  if (a === true || b === true) return true;
  return a === 'unknown' || b === 'unknown' ? 'unknown' : false;
}
