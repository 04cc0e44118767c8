import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CcxError } from '../errors.js';
import { git, type GitRepo } from '../git/run.js';
import { readFileAtRev } from './read-file.js';

/**
 * A file whose content in the squash commit is set by ccx: a string, or a function of the file's
 * content in the merged tree (null when absent) that returns the new content, or null to leave it.
 */
export interface FileOverride {
  path: string;
  content: string | ((current: string | null) => string | null);
}

const DEFAULT_MODE = '100644';
/** Paths in these calls are file names, never patterns, whatever the person's environment says. */
const LITERAL_PATHSPECS = { GIT_LITERAL_PATHSPECS: '1', GIT_GLOB_PATHSPECS: '0', GIT_NOGLOB_PATHSPECS: '0', GIT_ICASE_PATHSPECS: '0' };

/**
 * `tree` with the overrides applied, built in a temporary index so that no checkout and no real
 * index is touched (this is how the repository's .handoff.md is rewritten in the squash commit).
 */
export async function applyOverrides(repo: GitRepo, tree: string, overrides: readonly FileOverride[]): Promise<string> {
  if (overrides.length === 0) return tree;
  const dir = await mkdtemp(join(tmpdir(), 'ccx-index-'));
  const env = { ...LITERAL_PATHSPECS, GIT_INDEX_FILE: join(dir, 'index') };
  const options = { cwd: repo.root, env };
  try {
    await git(repo, ['read-tree', tree], options);
    let changed = false;
    for (const override of overrides) {
      const current = await readFileAtRev(repo, tree, override.path);
      const content = typeof override.content === 'string' ? override.content : override.content(current);
      if (content === null || content === current) continue;
      const blob = (await git(repo, ['hash-object', '-w', '--no-filters', '--stdin'], { ...options, input: content })).stdout.trim();
      const mode = await modeOf(repo, options, override.path);
      await git(repo, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${override.path}`], options);
      changed = true;
    }
    return changed ? (await git(repo, ['write-tree'], options)).stdout.trim() : tree;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function modeOf(repo: GitRepo, options: { cwd: string; env: Record<string, string> }, path: string): Promise<string> {
  const { stdout } = await git(repo, ['ls-files', '-s', '-z', '--', path], options);
  const mode = stdout.split(' ')[0] ?? '';
  if (mode === '') return DEFAULT_MODE;
  if (mode !== '100644' && mode !== '100755') {
    throw new CcxError('GIT_FAILED', `cannot rewrite ${path} in the squash commit: it is not a regular file (mode ${mode}).`, {
      hint: `Make ${path} a regular file in the repository, or remove it.`,
    });
  }
  return mode;
}
