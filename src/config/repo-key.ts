import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CcxError, errnoCode } from '../errors.js';
import { fileExists } from '../fs/exists.js';
import { originUrl } from '../git/repo.js';
import { git, type GitRepo } from '../git/run.js';

/**
 * `<repo-key>` exactly as ccx-loop's resolver (its /ccx:where) derives it, so a migrating user's
 * STATE_DIR is found as it is: `git config --local ccx.link` when set (ccx-loop's /ccx:link);
 * else the checkout's basename in ASCII lower case, `-`, and the first 7 hex of the sha256 of
 * origin's URL, or of the first remote's (in `git remote` order) when there is no origin; with no
 * remote at all, `<basename>-local-` and the hash of the checkout's real path.
 */
export async function repoKeyFor(repo: GitRepo): Promise<string> {
  const link = await gitLine(repo, ['config', '--local', '--get', 'ccx.link'], [1]);
  if (link !== null) return checkedLink(link);
  const name = asciiLower(basename(repo.root));
  const url = (await originUrl(repo)) ?? (await firstRemoteUrl(repo));
  return url !== null ? `${name}-${sha7(url)}` : `${name}-local-${sha7(realpathSync(repo.root))}`;
}

/** The key ccx used before it followed ccx-loop: the real basename as written, hashed origin or real path. */
export function legacyRepoKey(repoRoot: string, origin: string | null): string {
  const real = realpathSync(repoRoot);
  return `${basename(real)}-${sha7(origin ?? real)}`;
}

export type MoveOutcome = { dir: string; notice: string | null };

/**
 * The STATE_DIR to use when one may still exist under the older key: an old one is renamed to the
 * new key once (nothing in it changes). It stays where it is, and is used there, while tasks have
 * worktrees in it: git and the run journals know those by their absolute paths.
 */
export async function moveLegacyStateDir(legacy: string, current: string): Promise<MoveOutcome> {
  if (legacy === current || !(await fileExists(join(legacy, 'config.yaml')))) return { dir: current, notice: null };
  if (await fileExists(current)) {
    return { dir: current, notice: `${legacy} (ccx's older STATE_DIR for this repository) is left as it is, since ${current} exists; move what you need from it by hand, then remove it.` };
  }
  const worktrees = await readdir(join(legacy, 'worktrees')).catch(() => []);
  if (worktrees.length > 0) {
    return { dir: legacy, notice: `${legacy} is this repository's STATE_DIR under ccx's older key; it moves to ${current} once no task has a worktree in it (now: ${worktrees.join(', ')}). Finish or \`ccx clean\` those tasks, with the daemon stopped.` };
  }
  try {
    await rename(legacy, current);
  } catch (error) {
    // Another ccx process moved it first.
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTEMPTY' || errnoCode(error) === 'EEXIST') return { dir: current, notice: null };
    throw new CcxError('IO_FAILED', `${legacy} could not be moved to ${current} (${errnoCode(error) ?? String(error)}).`, { hint: `Move it by hand (mv ${JSON.stringify(legacy)} ${JSON.stringify(current)}), then run ccx again.`, cause: error });
  }
  return { dir: current, notice: `moved ${legacy} to ${current}: ccx now names STATE_DIRs as ccx-loop does (nothing in it changed).` };
}

async function firstRemoteUrl(repo: GitRepo): Promise<string | null> {
  const remotes = await gitLine(repo, ['remote'], []);
  const first = remotes?.split('\n')[0]?.trim();
  return first === undefined || first === '' ? null : gitLine(repo, ['remote', 'get-url', '--end-of-options', first], [2, 128]);
}

async function gitLine(repo: GitRepo, args: string[], allowExitCodes: number[]): Promise<string | null> {
  const result = await git(repo, args, { cwd: repo.root, allowExitCodes, readOnly: true });
  const text = result.stdout.trim();
  return result.exitCode === 0 && text !== '' ? text : null;
}

/** A ccx.link name becomes one folder under the data root: it may not lead anywhere else. */
function checkedLink(link: string): string {
  if (link === '.' || link === '..' || /[/\\\0]/.test(link)) {
    throw new CcxError('PATH_OUTSIDE_ROOT', `git config ccx.link is ${JSON.stringify(link)}, which is not a plain folder name.`, { hint: 'Set it to a name without slashes (git config --local ccx.link my-project), or unset it (git config --local --unset ccx.link).' });
  }
  return link;
}

/** What `tr '[:upper:]' '[:lower:]'` does in ccx-loop's resolver: ASCII letters only. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function sha7(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 7);
}
