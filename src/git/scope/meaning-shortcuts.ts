import type { Scope } from './types.js';

/** The characters git reads as wildcards in a pathspec (dir.c simple_length, less the backslash escape). */
const WILDCARD = /[*?[]/;

/**
 * Whether an entry selects the same tracked files under git's default pathspec reading as under
 * glob mode, from its text alone: one with no wildcard, or a wildcard-free folder followed by a
 * trailing `**` (`src/module/**`, `**`), which matches everything below in both readings.
 * Checking these with git cost two `git ls-files` per row: 2,000 processes on a 1,000-row board.
 */
export function readsTheSame(entry: string): boolean {
  if (!WILDCARD.test(entry)) return true;
  if (entry.startsWith(':') || entry.includes('\\')) return false;
  const head = entry.slice(0, -2);
  return entry.endsWith('**') && (head === '' || head.endsWith('/')) && !WILDCARD.test(head) && plainHead(head);
}

/**
 * Whether any tracked file could be selected by the scope's includes in either reading: a match
 * needs the entry's wildcard-free head as a literal prefix. When none can be, both readings select
 * nothing and there is no difference to report. `tracked` is sorted (see sortedPaths).
 */
export function mayMatchTracked(scope: Scope, tracked: readonly string[]): boolean {
  if (scope.include.length === 0) return tracked.length > 0;
  return scope.include.some((entry) => {
    if (entry.startsWith(':') || entry.includes('\\')) return true;
    const wildcard = entry.search(WILDCARD);
    const head = wildcard < 0 ? entry : entry.slice(0, wildcard);
    return !plainHead(head) || hasPrefix(tracked, head);
  });
}

/** Paths sorted the way hasPrefix searches them. */
export function sortedPaths(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A head git compares as written: no `.`/`..` segment, no doubled or leading slash for git to normalise. */
function plainHead(head: string): boolean {
  return !head.startsWith('/') && !head.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(head);
}

function hasPrefix(sorted: readonly string[], prefix: string): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? '') < prefix) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && (sorted[low] ?? '').startsWith(prefix);
}
