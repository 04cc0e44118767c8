import type { PathspecValidator } from '../board/pathspecs.js';
import { git, type GitRepo } from '../git/run.js';

/** Asks git about every scope pathspec: one call for all when they are fine, one each otherwise. */
export function gitPathspecValidator(repo: GitRepo): PathspecValidator {
  return async (pathspecs) => {
    const verdicts = new Map<string, string | null>();
    const probe = (specs: readonly string[]) =>
      git(repo, ['ls-files', '-z', '--', ...specs], { cwd: repo.root, readOnly: true, allowExitCodes: [128], env: { GIT_GLOB_PATHSPECS: '1' } });
    const all = await probe(pathspecs);
    for (const spec of pathspecs) verdicts.set(spec, null);
    if (all.exitCode === 0) return verdicts;
    for (const spec of pathspecs) {
      const one = await probe([spec]);
      if (one.exitCode !== 0) verdicts.set(spec, one.stderr.replace(/^fatal: /, '').trim());
    }
    return verdicts;
  };
}
