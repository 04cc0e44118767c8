import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { readdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CcxError, errnoCode } from '../errors.js';
import { fileExists } from '../fs/exists.js';
import { originUrl } from '../git/repo.js';
import { git, gitUnqueued, type GitRepo } from '../git/run.js';

/** What the STATE_DIR's name is made of: the key, and origin's URL (the older key hashed it too). */
export interface RepoIdentity {
  key: string;
  origin: string | null;
}

/**
 * `<repo-key>` exactly as ccx-loop's resolver (its /ccx:where) derives it, so a migrating user's
 * STATE_DIR is found as it is: `git config --local ccx.link` when set (ccx-loop's /ccx:link);
 * else the checkout's basename in ASCII lower case, `-`, and the first 7 hex of the sha256 of
 * origin's URL, or of the first remote's (in `git remote` order) when there is no origin; with no
 * remote at all, `<basename>-local-` and the hash of the checkout's real path.
 *
 * Every command starts here, so it is one `git config --list` read where that says everything; the
 * rarer setups whose answer git computes from more than the config (url.*.insteadOf rewriting,
 * remotes in .git/remotes or .git/branches, a remote without a url, an include in .git/config) ask
 * git itself, as ccx-loop does.
 */
export async function repoIdentity(repo: GitRepo, listing?: Promise<ConfigListing>): Promise<RepoIdentity> {
  const config = await (listing ?? readConfigListing(repo.root));
  const urls = config === null ? null : await remoteUrlsFromConfig(repo, config);
  if (config === null || urls === null) return repoIdentityByGit(repo);
  const link = config.filter((entry) => entry.scope === 'local' && entry.key === 'ccx.link').at(-1)?.value;
  const origin = urls.get('origin') ?? null;
  if (link !== undefined && link !== '') return { key: checkedLink(link), origin };
  const first = [...urls.keys()].sort(byteOrder)[0];
  return { key: keyFromUrl(repo, origin ?? (first === undefined ? null : (urls.get(first) ?? null))), origin };
}

/** repoIdentity by asking git one question at a time (what ccx-loop's resolver runs). */
export async function repoIdentityByGit(repo: GitRepo): Promise<RepoIdentity> {
  const origin = await originUrl(repo);
  const link = await gitLine(repo, ['config', '--local', '--get', 'ccx.link'], [1]);
  if (link !== null) return { key: checkedLink(link), origin };
  return { key: keyFromUrl(repo, origin ?? (await firstRemoteUrl(repo))), origin };
}

function keyFromUrl(repo: GitRepo, url: string | null): string {
  const name = asciiLower(basename(repo.root));
  return url !== null ? `${name}-${sha7(url)}` : `${name}-local-${sha7(realpathSync(repo.root))}`;
}

interface ConfigEntry {
  scope: string;
  key: string;
  value: string;
}

/** `git config --list` with scopes, in the order git reads them; null when git cannot list it. */
export type ConfigListing = ConfigEntry[] | null;

/**
 * `git config --list` as read in `cwd`. A command starts it while the repository is still being
 * found (one git process less to wait for); read anywhere in the main checkout it is the
 * repository's own (a linked worktree's may differ: its worktree config, its includeIf onbranch).
 */
export async function readConfigListing(cwd: string): Promise<ConfigListing> {
  const result = await gitUnqueued(['config', '--list', '-z', '--show-scope'], { cwd, allowExitCodes: [1, 128], readOnly: true });
  if (result.exitCode !== 0) return null;
  const fields = result.stdout.split('\0');
  const entries: ConfigEntry[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const entry = fields[index + 1] as string;
    const newline = entry.indexOf('\n');
    // A key without `=` in the file (`[section] flag`) comes without a newline: its value is true.
    entries.push({ scope: fields[index] as string, key: newline === -1 ? entry : entry.slice(0, newline), value: newline === -1 ? '' : entry.slice(newline + 1) });
  }
  return entries;
}

/**
 * Each remote's URL as `git remote get-url` gives it (its first url), from the config alone; null
 * when git would answer from something else, so the caller asks git.
 */
async function remoteUrlsFromConfig(repo: GitRepo, config: readonly ConfigEntry[]): Promise<Map<string, string> | null> {
  if (config.some((entry) => /^url\..*\.insteadof$/i.test(entry.key))) return null;
  // `git config --local --get ccx.link` does not follow includes, --list does: a local include is git's to read.
  if (config.some((entry) => entry.scope === 'local' && /^include(?:if\..*)?\.path$/i.test(entry.key))) return null;
  if ((await hasEntries(join(repo.commonDir, 'remotes'))) || (await hasEntries(join(repo.commonDir, 'branches')))) return null;
  const urls = new Map<string, string>();
  const named = new Set<string>();
  for (const { key, value } of config) {
    const match = /^remote\.(.+)\.([^.]+)$/.exec(key);
    if (match === null) continue;
    const [, name, variable] = match as unknown as [string, string, string];
    named.add(name);
    // An empty url resets the list in newer gits: leave that reading to git.
    if (variable === 'url' && value === '') return null;
    if (variable === 'url' && !urls.has(name)) urls.set(name, value);
  }
  return [...named].every((name) => urls.has(name)) ? urls : null;
}

async function hasEntries(dir: string): Promise<boolean> {
  return (await readdir(dir).catch(() => [])).length > 0;
}

/** git sorts remote names by their bytes (strcmp), not by locale. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
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
