import type { Position } from '../../board/types.js';
import { git, splitNul, type GitRepo } from '../run.js';
import { SCOPE_GIT_ENV, splitScopePathspecs } from './pathspec.js';
import { mayMatchTracked, readsTheSame, sortedPaths } from './meaning-shortcuts.js';
import { trackedInScope } from './tracked.js';
import type { Scope } from './types.js';

/** git's own default reading of pathspecs (`*` crosses folders), which ccx-loop used. */
const DEFAULT_PATHSPEC_ENV: Readonly<Record<string, string>> = { ...SCOPE_GIT_ENV, GIT_GLOB_PATHSPECS: '0' };

/** A row whose scope selects other tracked files under ccx's glob reading than under git's default one. */
export interface ScopeMeaningNotice extends Position {
  task: string;
  message: string;
}

/**
 * For each row with a wildcard in its scope: a notice (not a problem: ccx keeps glob mode) when
 * git's default pathspec reading, which ccx-loop used, selects other tracked files than ccx's glob
 * reading, with one example file and, where one is found, the glob spelling that keeps the old meaning.
 * `opened` may be a function that opens the repository, called only when a row needs git.
 */
export async function scopeMeaningNotices(opened: GitRepo | (() => Promise<GitRepo>), rows: ReadonlyArray<{ id: string; scope: Scope; position: Position }>): Promise<ScopeMeaningNotice[]> {
  const notices: ScopeMeaningNotice[] = [];
  const doubtful = rows.filter((row) => ![...row.scope.include, ...row.scope.exclude].every(readsTheSame));
  if (doubtful.length === 0) return notices;
  // A caller without the repository at hand opens it only now that git has something to answer.
  const repo = typeof opened === 'function' ? await opened() : opened;
  // One listing of the index rules out the rows that can select no tracked file in either reading.
  const tracked = sortedPaths(splitNul((await git(repo, ['ls-files', '-z'], { cwd: repo.root, env: SCOPE_GIT_ENV, readOnly: true })).stdout));
  for (const row of doubtful) {
    if (!mayMatchTracked(row.scope, tracked)) continue;
    const message = await scopeMeaning(repo, row.scope);
    if (message !== null) notices.push({ ...row.position, task: row.id, message: `${row.id}: ${message}` });
  }
  return notices;
}

async function scopeMeaning(repo: GitRepo, scope: Scope): Promise<string | null> {
  const [globFiles, defaultFiles] = await Promise.all([trackedInScope(repo, scope), listDefault(repo, scope)]);
  const inGlob = new Set(globFiles);
  const inDefault = new Set(defaultFiles);
  const onlyDefault = defaultFiles.find((path) => !inGlob.has(path));
  const onlyGlob = globFiles.find((path) => !inDefault.has(path));
  if (onlyDefault === undefined && onlyGlob === undefined) return null;
  const example = onlyDefault !== undefined
    ? `git's default reading (ccx-loop's) selects ${onlyDefault}, which ccx's glob reading (\`*\` stays inside a folder) does not`
    : `ccx's glob reading selects ${onlyGlob ?? ''}, which git's default reading (ccx-loop's) does not`;
  const spelled = globSpelling(scope);
  const keeps = spelled !== null && sameFiles(await trackedInScope(repo, spelled.scope), defaultFiles);
  const fix = keeps ? `; to keep ccx-loop's meaning write ${spelled.changes.join(', ')}` : '; list the folders or files the task may touch to keep ccx-loop\'s meaning';
  return `its scope means something else than it did in ccx-loop: ${example}${fix}.`;
}

async function listDefault(repo: GitRepo, scope: Scope): Promise<string[]> {
  const { select, remove } = splitScopePathspecs(scope);
  const list = async (pathspecs: string[]) => splitNul((await git(repo, ['ls-files', '-z', '--', ...pathspecs], { cwd: repo.root, env: DEFAULT_PATHSPEC_ENV, readOnly: true })).stdout);
  const selected = [...new Set(await list(select))];
  if (remove.length === 0) return selected;
  const removed = new Set(await list(remove));
  return selected.filter((path) => !removed.has(path));
}

/**
 * Each wildcard entry with a `**` where its first wildcard segment is, so it crosses folders as
 * git's default reading did: `src/*.ts` → `src/**` + `/*.ts`, `docs/*` → `docs/**`. Entries with
 * pathspec magic are left as they are (magic means the same in both readings).
 */
function globSpelling(scope: Scope): { scope: Scope; changes: string[] } | null {
  const changes: string[] = [];
  const rewrite = (entry: string): string => {
    if (entry.startsWith(':') || !hasWildcard(entry)) return entry;
    const segments = entry.split('/');
    const index = segments.findIndex((segment) => segment.includes('*'));
    if (index < 0 || segments[index] === '**') return entry;
    const spelled = [...segments.slice(0, index), ...(segments[index] === '*' ? ['**'] : ['**', segments[index] ?? '']), ...segments.slice(index + 1)].join('/');
    if (spelled !== entry) changes.push(`${JSON.stringify(entry)} as ${JSON.stringify(spelled)}`);
    return spelled;
  };
  const spelled = { include: scope.include.map(rewrite), exclude: scope.exclude.map(rewrite) };
  return changes.length === 0 ? null : { scope: spelled, changes };
}

function hasWildcard(entry: string): boolean {
  return /[*?[]/.test(entry);
}

function sameFiles(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((path) => set.has(path));
}
