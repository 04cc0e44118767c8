import type { Scope } from '../board/types.js';
import { isRecord, kindOf, strings } from './read-json.js';
import { MAX_EXCLUDE_GLOBS, MAX_INCLUDE_GLOBS, MIN_INCLUDE_GLOBS } from './schema.js';

/** A task's scope as the answer gives it: 1 to 5 includes, up to 5 excludes, each a plain one-line glob. */
export function readScope(raw: unknown, fail: (message: string) => void): Scope | null {
  if (!isRecord(raw)) {
    fail(`.scope must be an object {"include": [...], "exclude": [...]}, but it is ${kindOf(raw)}`);
    return null;
  }
  for (const key of Object.keys(raw)) if (key !== 'include' && key !== 'exclude') fail(`.scope has a field ${JSON.stringify(key)}; it takes include and exclude`);
  const include = strings(raw['include'], '.scope.include', fail);
  const exclude = strings(raw['exclude'] ?? [], '.scope.exclude', fail);
  if (include === null || exclude === null) return null;
  let ok = true;
  if (include.length < MIN_INCLUDE_GLOBS || include.length > MAX_INCLUDE_GLOBS) {
    fail(`.scope.include has ${include.length} globs; a task has ${MIN_INCLUDE_GLOBS} to ${MAX_INCLUDE_GLOBS}`);
    ok = false;
  }
  if (exclude.length > MAX_EXCLUDE_GLOBS) {
    fail(`.scope.exclude has ${exclude.length} globs; a task has at most ${MAX_EXCLUDE_GLOBS}`);
    ok = false;
  }
  for (const [field, globs] of [['include', include], ['exclude', exclude]] as const) {
    globs.forEach((glob, index) => {
      const problem = globProblem(glob);
      if (problem !== null) {
        fail(`.scope.${field}[${index}] ${JSON.stringify(glob)} ${problem}`);
        ok = false;
      }
    });
  }
  return ok ? { include: [...new Set(include)], exclude: [...new Set(exclude)] } : null;
}

/** What makes a glob unusable before git sees it; null when it may go to git. */
function globProblem(glob: string): string | null {
  if (glob.trim() === '') return 'is empty; write a glob such as "src/cli/**"';
  if (/[\0\r\n]/.test(glob)) return 'holds a NUL or a line break; a glob is one line';
  if (glob !== glob.trim()) return 'starts or ends with white space';
  if (glob.startsWith(':')) return 'uses pathspec magic; write a plain glob such as "src/**" (use scope.exclude to leave paths out)';
  if (glob.startsWith('/')) return `is absolute; globs are relative to the repository root (write ${JSON.stringify(glob.replace(/^\/+/, ''))})`;
  return null;
}
