import { git, type GitRepo } from '../git/run.js';

/** A commit the task branch carries that the integration branch no longer has. */
export interface DroppedCommit {
  sha: string;
  subject: string;
}

/** How many dropped commits a waiting note names; the rest are counted. */
export const DROPPED_SHOWN = 5;

/**
 * SPEC 6.8: the commits a merge of `branchHead` into `integrationHead` would bring back although
 * they left the integration branch (a person's reset). The task branch holds its own turn commits
 * on top of the integration history it started from (`base`) and of any integration head a
 * resolve turn merged in; every such integration point must still be in the integration branch,
 * or merging would resurrect what the person removed. A branch a person rewrote so that `base` is
 * no longer in it is taken as theirs and checked against nothing.
 */
export async function droppedCommits(repo: GitRepo, input: { base: string; branchHead: string; integrationHead: string }): Promise<{ commits: DroppedCommit[]; total: number }> {
  if (!(await isAncestor(repo, input.base, input.branchHead))) return { commits: [], total: 0 };
  // The second parents of merge commits on the branch's own line: integration heads a resolve turn merged in.
  const chain = await git(repo, ['rev-list', '--first-parent', '--parents', '--merges', input.branchHead, `^${input.base}`, '--'], { cwd: repo.root, readOnly: true });
  const merged = chain.stdout.split('\n').flatMap((line) => line.split(' ').slice(2)).filter((sha) => sha !== '');
  return listMissing(repo, [input.base, ...merged], input.integrationHead);
}

async function listMissing(repo: GitRepo, points: readonly string[], integrationHead: string): Promise<{ commits: DroppedCommit[]; total: number }> {
  const range = [...points, `^${integrationHead}`, '--'];
  const [count, log] = await Promise.all([
    git(repo, ['rev-list', '--count', ...range], { cwd: repo.root, readOnly: true }),
    git(repo, ['log', '-z', '--no-show-signature', '--format=%H%x1f%s', `--max-count=${DROPPED_SHOWN}`, ...range], { cwd: repo.root, readOnly: true }),
  ]);
  const commits = log.stdout
    .split('\0')
    .filter((record) => record.trim() !== '')
    .map((record) => {
      const [sha = '', subject = ''] = record.split('\x1f');
      return { sha: sha.trim(), subject };
    });
  return { commits, total: Number.parseInt(count.stdout.trim(), 10) || commits.length };
}

async function isAncestor(repo: GitRepo, ancestor: string, of: string): Promise<boolean> {
  const result = await git(repo, ['merge-base', '--is-ancestor', ancestor, of], { cwd: repo.root, readOnly: true, allowExitCodes: [1] });
  return result.exitCode === 0;
}

/** What a person reads while a task waits because its base left the integration branch. */
export function baseMovedNote(input: { integration: string; base: string; dropped: readonly DroppedCommit[]; droppedTotal: number }): string {
  const shown = input.dropped.map((commit) => `${commit.sha.slice(0, 12)} ${JSON.stringify(commit.subject)}`).join(', ');
  const more = input.droppedTotal > input.dropped.length ? ` and ${input.droppedTotal - input.dropped.length} more` : '';
  return `${input.integration} no longer holds ${input.droppedTotal === 1 ? 'a commit' : `${input.droppedTotal} commits`} the task was built on (${shown}${more}; a reset?), and ccx will not bring ${input.droppedTotal === 1 ? 'it' : 'them'} back. Restore ${input.integration} to hold ${input.base.slice(0, 12)}, or cancel the task and start it again from the new head`;
}
