import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileExists } from '../../fs/exists.js';
import { openRepo } from '../../git/repo.js';
import { gitUnqueued, type GitRepo } from '../../git/run.js';
import { createTaskWorktree, removeTaskWorkspace } from '../../git/index.js';
import { CcxError } from '../../errors.js';

/** Where a runner keeps one repository: a clone, its task worktrees and run folders. */
export interface CachedRepo {
  repo: GitRepo;
  /** Plays STATE_DIR for the loop: worktrees/ and runs/ live here. */
  home: string;
}

/**
 * A runner's clone of each repository it serves (SPEC 16), made on first use from the remote and
 * reused: later attempts fetch only what is new. One clone at a time per repository.
 */
export class RepoCache {
  private readonly clones = new Map<string, Promise<CachedRepo>>();

  constructor(private readonly root: string) {}

  open(repoKey: string, url: string): Promise<CachedRepo> {
    let known = this.clones.get(repoKey);
    if (known === undefined) {
      known = this.clone(repoKey, url);
      this.clones.set(repoKey, known);
      known.catch(() => this.clones.delete(repoKey));
    }
    return known;
  }

  /** The task's worktree at `start`, made afresh (what an earlier delivery on this host left is removed first). */
  async worktree(cached: CachedRepo, task: string, integration: string, start: string): Promise<string> {
    const path = join(cached.home, 'worktrees', task);
    await removeTaskWorkspace(cached.repo, { id: task, path });
    await createTaskWorktree(cached.repo, { id: task, path, integration, startPoint: start });
    return path;
  }

  async release(cached: CachedRepo, task: string): Promise<void> {
    await removeTaskWorkspace(cached.repo, { id: task, path: join(cached.home, 'worktrees', task) });
  }

  private async clone(repoKey: string, url: string): Promise<CachedRepo> {
    const home = join(this.root, repoKey);
    const checkout = join(home, 'repo');
    await mkdir(home, { recursive: true, mode: 0o700 });
    if (!(await fileExists(join(checkout, '.git')))) {
      const result = await gitUnqueued(['clone', '--quiet', '--no-checkout', url, checkout], { cwd: home, allowExitCodes: [128], timeoutMs: 30 * 60_000 });
      if (result.exitCode !== 0) {
        throw new CcxError('RUNNER_GIT_FAILED', `git could not clone ${url}: ${result.stderr.split('\n').find((line) => line.trim() !== '')?.replace(/^fatal: /, '') ?? 'no message'}`, {
          hint: 'Check that this host can reach the remote and has read access to it.',
        });
      }
    }
    return { repo: await openRepo(checkout), home };
  }
}
