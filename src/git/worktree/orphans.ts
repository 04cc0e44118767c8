import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../errors.js';
import { git, type GitRepo } from '../run.js';
import { TASK_BRANCH_PREFIX, idFromBranch, idFromFolder } from './ids.js';
import { canonicalPath, listWorktrees, type WorktreeEntry } from './list.js';

export interface CcxWorkspaces {
  /** Worktrees under the worktrees root or on a `ccx/*` branch. */
  worktrees: Array<WorktreeEntry & { id: string | null }>;
  /** `ccx/*` branches (short names). */
  branches: Array<{ name: string; id: string | null; sha: string }>;
  /** Folders under the worktrees root that git does not know as worktrees. */
  strayFolders: string[];
}

/** Everything ccx may have left in a repository: its worktrees, its branches, stray folders. */
export async function listCcxWorkspaces(repo: GitRepo, worktreesRoot: string): Promise<CcxWorkspaces> {
  const root = await canonicalPath(worktreesRoot);
  const worktrees: CcxWorkspaces['worktrees'] = [];
  const registered = new Set<string>();
  for (const entry of await listWorktrees(repo)) {
    const path = await canonicalPath(entry.path);
    registered.add(path);
    const underRoot = path.startsWith(`${root}/`);
    const onCcxBranch = entry.branch?.startsWith(`refs/heads/${TASK_BRANCH_PREFIX}`) ?? false;
    if (!underRoot && !onCcxBranch) continue;
    const branchId = entry.branch === null ? null : idFromBranch(entry.branch);
    worktrees.push({ ...entry, id: branchId ?? (underRoot ? idFromFolder(path.slice(root.length + 1)) : null) });
  }
  const { stdout } = await git(repo, ['for-each-ref', '--format=%(refname)%00%(objectname)', `refs/heads/${TASK_BRANCH_PREFIX}`], { cwd: repo.root, readOnly: true });
  const branches = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ref = '', sha = ''] = line.split('\0');
      const name = ref.replace(/^refs\/heads\//, '');
      return { name, id: idFromBranch(name), sha };
    });
  const strayFolders = (await folderNames(root)).map((name) => join(root, name)).filter((path) => !registered.has(path));
  return { worktrees, branches, strayFolders };
}

/** What belongs to no known task id: for reporting (SPEC 12), never deleted here. */
export async function findOrphans(repo: GitRepo, worktreesRoot: string, knownIds: Iterable<string>): Promise<CcxWorkspaces> {
  const known = new Set(knownIds);
  const all = await listCcxWorkspaces(repo, worktreesRoot);
  const isOrphan = (id: string | null): boolean => id === null || !known.has(id);
  return {
    worktrees: all.worktrees.filter((entry) => isOrphan(entry.id)),
    branches: all.branches.filter((branch) => isOrphan(branch.id)),
    strayFolders: all.strayFolders.filter((path) => isOrphan(idFromFolder(path.slice(path.lastIndexOf('/') + 1)))),
  };
}

async function folderNames(root: string): Promise<string[]> {
  try {
    return (await readdir(root)).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}
