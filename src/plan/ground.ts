import { trackedInScope, validatePathspecs, type GitRepo } from '../git/index.js';
import type { DroppedGlob, GroundedTask, NewPathGlob, PlannedTask } from './types.js';

/** The characters that make the rest of a glob-mode pathspec a pattern rather than a literal path. */
const WILDCARD = /[*?[\\]/;

/**
 * Grounds every glob on the repository's tracked files (`git ls-files`, glob mode): git must accept
 * it, and it must match a tracked file, or name a new path inside a folder that has tracked files
 * (`newPathRefusal`). Such globs are kept and listed in `newPaths`; any other glob is dropped from
 * its task's scope and listed in `dropped` (the row's notes name it). One invented glob does not
 * cost the whole plan: every row is a draft a person reviews anyway.
 */
export async function groundTasks(repo: GitRepo, tasks: readonly PlannedTask[]): Promise<GroundedTask[]> {
  const globs = [...new Set(tasks.flatMap((task) => [...task.scope.include, ...task.scope.exclude]))];
  const rejected = new Map((await validatePathspecs(repo, globs)).flatMap((check) => (check.ok ? [] : [[check.glob, check.error] as const])));
  const matches = new Map<string, boolean>();
  const hasFiles = async (pathspec: string) => {
    let known = matches.get(pathspec);
    if (known === undefined) matches.set(pathspec, (known = (await trackedInScope(repo, { include: [pathspec], exclude: [] })).length > 0));
    return known;
  };
  const grounded: GroundedTask[] = [];
  for (const task of tasks) {
    const newPaths: NewPathGlob[] = [];
    const dropped: DroppedGlob[] = [];
    const scope = { include: [] as string[], exclude: [] as string[] };
    for (const field of ['include', 'exclude'] as const) {
      for (const glob of task.scope[field]) {
        const complaint = rejected.get(glob);
        if (complaint !== undefined) {
          dropped.push({ glob, field, reason: `is not a pathspec git accepts (${complaint})` });
          continue;
        }
        scope[field].push(glob);
        if (await hasFiles(glob)) continue;
        const refusal = await newPathRefusal(glob, hasFiles);
        if (refusal === null) {
          newPaths.push({ glob, field });
        } else {
          scope[field].pop();
          dropped.push({ glob, field, reason: `matches no tracked file and is not a new path inside a folder that has tracked files (${refusal})` });
        }
      }
    }
    grounded.push({ ...task, scope, newPaths, dropped });
  }
  return grounded;
}

/**
 * Why a glob that matches nothing is not a new path, or null when it is one: its literal folder
 * (`literalFolder`) has tracked files, or is one new folder inside a folder that has (`src/new/**`
 * under `src/`). At the top only a plain file name is new (`CHANGELOG.md`): a new top-level
 * folder or a pattern with no folder is how an invented layout looks.
 */
async function newPathRefusal(glob: string, hasFiles: (pathspec: string) => Promise<boolean>): Promise<string | null> {
  const folder = literalFolder(glob);
  if (folder === null) return 'it names no folder';
  if (folder === '') return WILDCARD.test(glob) ? 'it names no folder' : null;
  if (await hasFiles(`${folder}/`)) return null;
  const slash = folder.lastIndexOf('/');
  if (slash < 0) return `"${folder}/" has none, and ccx plan does not draft new top-level folders`;
  const parent = folder.slice(0, slash);
  return (await hasFiles(`${parent}/`)) ? null : `neither "${folder}/" nor "${parent}/" has any`;
}

/**
 * The folder part of a glob's literal head (before any wildcard): `src/new/x.ts` → `src/new`,
 * `src/new/**` → `src/new`, `src/plan*.ts` → `src`, `CHANGELOG.md` → ''; null when the head climbs
 * or repeats folders (`..`, `.`, `//`).
 */
export function literalFolder(glob: string): string | null {
  const head = glob.slice(0, WILDCARD.exec(glob)?.index ?? glob.length).replace(/^(\.\/)+/, '');
  const slash = head.lastIndexOf('/');
  const folder = slash < 0 ? '' : head.slice(0, slash);
  if (folder !== '' && folder.split('/').some((part) => part === '..' || part === '.' || part === '')) return null;
  return folder;
}
