import { CcxError } from '../../errors.js';
import { git, type GitRepo } from '../../git/run.js';

/** The checkpoint ref of a task on the shared remote: the last turn commit a runner pushed. */
export const checkpointRef = (task: string) => `refs/ccx/${task}`;
/** The commit an attempt starts from, pushed by the daemon before it publishes the attempt. */
export const baseRef = (task: string) => `refs/ccx/base/${task}`;

/** The URL of `remote` in `repo`: what runners are told to fetch from. */
export async function remoteUrl(repo: GitRepo, remote: string): Promise<string> {
  // A URL or an absolute path is taken as it is (a remote the checkout does not name).
  if (remote.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) return remote;
  const result = await git(repo, ['remote', 'get-url', remote], { cwd: repo.root, readOnly: true, allowExitCodes: [2, 128] });
  const url = result.stdout.trim();
  if (result.exitCode !== 0 || url === '') {
    throw new CcxError('RUNNER_GIT_FAILED', `the repository ${repo.root} has no git remote named ${remote}, which runners fetch from and push to.`, {
      hint: `Add it (git remote add ${remote} <url>) or name another one in runners.remote in config.yaml.`,
    });
  }
  return url;
}

/**
 * Pushes `sha` to `ref` on `url`. `lease`: the value the ref must have on the remote now ('' for
 * "must not exist"), so that a runner whose delivery went stale cannot overwrite the newer one's
 * turn commits; undefined: force.
 */
export async function pushRef(repo: GitRepo, cwd: string, url: string, sha: string, ref: string, lease?: string): Promise<{ ok: true } | { ok: false; rejected: boolean; message: string }> {
  const args = ['push', '--quiet', '--no-verify', ...(lease === undefined ? ['--force'] : [`--force-with-lease=${ref}:${lease}`]), url, `${sha}:${ref}`];
  const result = await git(repo, args, { cwd, allowExitCodes: [1, 128] });
  if (result.exitCode === 0) return { ok: true };
  const message = firstLine(result.stderr);
  return { ok: false, rejected: /stale info|rejected|fetch first|non-fast-forward/i.test(result.stderr), message };
}

/** Fetches `refs` from `url` into the same names locally; a ref the remote lacks is reported in `missing`. */
export async function fetchRefs(repo: GitRepo, url: string, refs: readonly string[]): Promise<{ missing: string[] }> {
  const missing: string[] = [];
  for (const ref of refs) {
    const result = await git(repo, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', url, `+${ref}:${ref}`], { cwd: repo.root, allowExitCodes: [1, 128] });
    if (result.exitCode === 0) continue;
    if (/couldn't find remote ref|no such ref|not our ref/i.test(result.stderr)) {
      missing.push(ref);
      continue;
    }
    throw new CcxError('RUNNER_GIT_FAILED', `git could not fetch ${ref} from ${url}: ${firstLine(result.stderr)}`, { hint: 'Check that this host can reach the remote and has read access to it.' });
  }
  return { missing };
}

/** Deletes refs on the remote (a task's end); a ref already gone is fine. */
export async function deleteRemoteRefs(repo: GitRepo, url: string, refs: readonly string[]): Promise<void> {
  await git(repo, ['push', '--quiet', '--no-verify', url, ...refs.map((ref) => `:${ref}`)], { cwd: repo.root, allowExitCodes: [1, 128] });
}

/** The value of `ref` on `url` now ('' when it does not exist). */
export async function remoteRefValue(repo: GitRepo, url: string, ref: string): Promise<string> {
  const result = await git(repo, ['ls-remote', url, ref], { cwd: repo.root, readOnly: true });
  return result.stdout.split('\t')[0]?.trim() ?? '';
}

/** Whether the object database has `sha` as a commit. */
export async function hasCommit(repo: GitRepo, sha: string): Promise<boolean> {
  const result = await git(repo, ['cat-file', '-e', `${sha}^{commit}`], { cwd: repo.root, readOnly: true, allowExitCodes: [1, 128] });
  return result.exitCode === 0;
}

function firstLine(text: string): string {
  return text.split('\n').map((line) => line.replace(/^(error|fatal): /, '').trim()).find((line) => line !== '') ?? 'no message';
}
