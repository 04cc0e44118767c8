import { spawn } from 'node:child_process';
import { CcxError, errnoCode } from '../errors.js';
import type { GitCallOptions, GitResult } from './run.js';

// One git process as ccx starts it: environment, hooks off, time and output limits, its own
// process group. The queues, lock waits and retries around it are run.ts's.

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

/** One git call, made again when a terminal signal killed its process as it started. */
export async function runGitProcess(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
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

export function summariseArgs(args: readonly string[]): string {
  const shown = args.slice(0, 6).join(' ');
  return args.length > 6 ? `${shown} …` : shown;
}
