import { spawn } from 'node:child_process';
import { CcxError, errnoCode } from '../errors.js';
import { pinTaskWorktree } from './worktree/pin.js';

/** A repository as ccx drives it: the main checkout and the common .git folder all worktrees share. */
export interface GitRepo {
  /** Absolute path of the main checkout. */
  root: string;
  /** Absolute path of the shared .git folder; the key git calls are serialised on. */
  commonDir: string;
}

export interface GitCallOptions {
  /** Where git runs: the main checkout or a worktree. */
  cwd: string;
  input?: string;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (merge-tree exits 1 on a conflict). */
  allowExitCodes?: readonly number[];
  /**
   * The call only reads (git's optional locks are turned off for it), so it never contends with the
   * person's own git and need not wait for the repository's queue. Never set it on a call that may
   * write the index or a ref.
   */
  readOnly?: boolean;
  /** How long to keep retrying while another process holds a git lock. */
  lockWaitMs?: number;
  /** Aborted while the call waits for another process's lock: it stops waiting, throwing the signal's reason (nothing ran). */
  signal?: AbortSignal;
  /**
   * `cwd` is a task's worktree: the call runs with GIT_DIR and GIT_WORK_TREE pinned to the
   * worktree git made, checked first (see pinTaskWorktree), so an agent that rewrote the
   * worktree's `.git` file cannot point ccx at another checkout's index.
   */
  taskWorktree?: boolean;
  /** How long the call may run before it is stopped with everything it started (default: by kind, see gitTimeoutMs). */
  timeoutMs?: number;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const DEFAULT_LOCK_WAIT_MS = 10_000;
const LOCK_RETRY_START_MS = 25;
const LOCK_RETRY_MAX_MS = 500;
/** Variables a git hook or a parent git process may have set; inherited, they would point git elsewhere. */
const INHERITED_GIT_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
];
const LOCK_FILE_EXISTS = /Unable to create '([^']+\.lock)': File exists/;
/**
 * Another git process is adding or removing a linked worktree: `git worktree add` creates the
 * admin dir's `commondir` and writes it a moment later, and `remove` deletes its files one by one,
 * so a git call that reads every worktree's HEAD (`worktree list`, `branch -D`, `worktree add`'s own
 * check) can find it empty or gone and die before doing anything. Made again, it finds the worktree
 * whole or absent.
 */
const WORKTREE_HALF_WRITTEN = /failed to read \S*\/worktrees\/[^/\s]+\/commondir/;
const HALF_WRITTEN_WAIT_MS = 2_000;

/** Another git process held a lock for longer than the call would wait: `lock` names the file. */
export class GitLockedError extends CcxError {
  constructor(
    args: readonly string[],
    cwd: string,
    readonly lock: string,
  ) {
    super('GIT_LOCKED', `git ${args[0] ?? ''} in ${cwd} could not run: ${lock} exists, so another git process holds the lock.`, {
      hint: `Wait for the other git command to finish. If no git process is running, remove ${lock} yourself; ccx never deletes a git lock.`,
    });
    this.name = 'GitLockedError';
  }
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs git in `repo`, retrying while a git lock is held, one call at a time per lock domain. A call
 * in the repository's main checkout (worktrees, branches, the integration branch) may take any of
 * the repository's shared locks, so those queue per repository. A call in a task's worktree takes
 * only that worktree's own index and its own branch, so those queue per worktree and parallel tasks
 * do not wait for each other. A read-only call takes no lock at all (optional locks are off for it).
 */
export function git(repo: GitRepo, args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  const run = options.taskWorktree === true ? () => pinned(repo, args, options) : () => gitWithLockRetry(args, options);
  if (options.readOnly === true) return run();
  const key = options.cwd === repo.root ? repo.commonDir : `${repo.commonDir}\u0000${options.cwd}`;
  return queued(key, run);
}

/** Checks the worktree is still the one git made for this repository, then runs the call pinned to it. */
async function pinned(repo: GitRepo, args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  const { gitDir, workTree } = await pinTaskWorktree(repo, options.cwd);
  return gitWithLockRetry(args, { ...options, env: { ...options.env, GIT_DIR: gitDir, GIT_WORK_TREE: workTree } });
}

function queued(key: string, run: () => Promise<GitResult>): Promise<GitResult> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(run, run);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/** Runs git outside any repository queue: for discovering a repository before there is one. */
export async function gitUnqueued(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  return gitWithLockRetry(args, options);
}

async function gitWithLockRetry(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  const deadline = Date.now() + (options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  const halfWrittenDeadline = Date.now() + HALF_WRITTEN_WAIT_MS;
  let wait = LOCK_RETRY_START_MS;
  for (;;) {
    const result = await runGitOnce(args, options);
    if (result.exitCode === 0) return result;
    if (WORKTREE_HALF_WRITTEN.test(result.stderr) && Date.now() + wait <= halfWrittenDeadline) {
      await sleep(wait);
      wait = Math.min(wait * 2, LOCK_RETRY_MAX_MS);
      continue;
    }
    // A held lock is contention whatever the exit code, even one the caller reads as an answer.
    const lock = LOCK_FILE_EXISTS.exec(result.stderr);
    if (lock === null) {
      if ((options.allowExitCodes ?? []).includes(result.exitCode)) return result;
      throw gitFailure(args, options.cwd, result);
    }
    if (Date.now() + wait > deadline) {
      throw new GitLockedError(args, options.cwd, lock[1] as string);
    }
    await sleep(wait);
    options.signal?.throwIfAborted();
    wait = Math.min(wait * 2, LOCK_RETRY_MAX_MS);
  }
}

/** git's output beyond this is a runaway (ccx asks for names and small diffs), not an answer. */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/**
 * ccx's own git calls run none of the repository's hooks (a person's post-checkout hook could take
 * minutes or never end): hooks are looked up under this path, where no file can exist (git finds
 * no `/dev/null/<hook>` and runs nothing). The fsmonitor hook is named by path in core.fsmonitor
 * (`.git/hooks/fsmonitor-watchman`), so it is turned off on its own; it only speeds up status.
 * Agents' own git calls are theirs and keep the hooks.
 */
export const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'] as const;

/** Calls that write or read a whole tree (a checkout, a merge, a status of every file) get longer. */
const TREE_COMMANDS = new Set(['worktree', 'merge', 'merge-tree', 'reset', 'clean', 'add', 'status', 'read-tree', 'checkout', 'switch']);
export const GIT_TREE_TIMEOUT_MS = 10 * 60_000;
export const GIT_CALL_TIMEOUT_MS = 2 * 60_000;

/** How long a git call of this kind may run before ccx stops it. */
export function gitTimeoutMs(args: readonly string[]): number {
  return TREE_COMMANDS.has(args[0] ?? '') ? GIT_TREE_TIMEOUT_MS : GIT_CALL_TIMEOUT_MS;
}

/**
 * Signals a terminal sends to its foreground process group (Ctrl-C, Ctrl-\, a closed terminal).
 * git runs in a group of its own, but it joins it only a moment after it is forked: one of these
 * sent to ccx's group in that moment (a person pressing Ctrl-C to stop the daemon while a pass runs)
 * kills the new git before it ran, and the call is simply made again.
 */
const TERMINAL_SIGNALS: ReadonlySet<string> = new Set(['SIGINT', 'SIGQUIT', 'SIGHUP']);
const TERMINAL_SIGNAL_TRIES = 3;

class GitSignalledError extends CcxError {
  constructor(
    args: readonly string[],
    cwd: string,
    readonly signal: string,
  ) {
    super('GIT_FAILED', `git ${summariseArgs(args)} was stopped by ${signal} in ${cwd}.`);
    this.name = 'GitSignalledError';
  }
}

async function runGitOnce(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await spawnGit(args, options);
    } catch (error) {
      if (!(error instanceof GitSignalledError) || !TERMINAL_SIGNALS.has(error.signal) || tries >= TERMINAL_SIGNAL_TRIES) throw error;
    }
  }
}

/**
 * One git process: no shell, hooks off, the input written to its stdin, both outputs collected.
 * It runs in a process group of its own, so a call past its time limit is stopped together with
 * whatever it started (a filter, a credential helper). Plain child_process, not execa: a git call
 * is the hottest path ccx has (a command makes a few, a task a few dozen), and execa's load time
 * alone was a third of a short command's.
 */
function spawnGit(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...NO_HOOKS, ...args], { cwd: options.cwd, env: gitEnv(options), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let bytes = 0;
    let overflow = false;
    let timedOut = false;
    const timeoutMs = options.timeoutMs ?? gitTimeoutMs(args);
    const stopGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup();
    }, timeoutMs);
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_OUTPUT_BYTES && !overflow) {
        overflow = true;
        stopGroup();
      }
      if (!overflow) into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    // git may exit without reading its input (an early error): that is its answer, not ours to report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      if (errnoCode(error) === 'ENOENT') {
        reject(new CcxError('GIT_FAILED', `git could not be started in ${options.cwd}: the git binary or the folder does not exist.`, {
          hint: 'Install git 2.38 or newer and check that the folder exists.',
          cause: error,
        }));
      } else {
        reject(error);
      }
    });
    // A stopped call settles when git exits: something it started may hold its pipes open.
    child.on('exit', () => {
      clearTimeout(timer);
      if (!timedOut) return;
      child.stdout.destroy();
      child.stderr.destroy();
      reject(new CcxError('GIT_TIMEOUT', `git ${summariseArgs(args)} in ${options.cwd} did not finish within ${Math.round(timeoutMs / 1000)} s, so ccx stopped it and everything it started.`, {
        hint: 'Something git runs (a filter, an fsmonitor, a credential helper) or a slow disk holds it up: check the repository\'s git config, then retry.',
      }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return;
      if (overflow) {
        reject(new CcxError('GIT_FAILED', `git ${summariseArgs(args)} in ${options.cwd} wrote more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB, so ccx stopped it.`));
      } else if (code === null) {
        reject(new GitSignalledError(args, options.cwd, signal ?? 'a signal'));
      } else {
        resolve({ stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), exitCode: code });
      }
    });
  });
}

function gitEnv(options: GitCallOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_GIT_VARIABLES.includes(key)) env[key] = value;
  }
  env['LC_ALL'] = 'C';
  env['LANGUAGE'] = 'C';
  env['GIT_TERMINAL_PROMPT'] = '0';
  if (options.readOnly === true) env['GIT_OPTIONAL_LOCKS'] = '0';
  return { ...env, ...options.env };
}

function gitFailure(args: readonly string[], cwd: string, result: GitResult): CcxError {
  const detail = result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`;
  return new CcxError('GIT_FAILED', `git ${summariseArgs(args)} failed in ${cwd}: ${detail}`);
}

function summariseArgs(args: readonly string[]): string {
  const shown = args.slice(0, 6).join(' ');
  return args.length > 6 ? `${shown} …` : shown;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Splits NUL-terminated git output (`-z`) into its entries. */
export function splitNul(output: string): string[] {
  return output.split('\0').filter((entry) => entry !== '');
}
