import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { errnoCode } from '../../errors.js';
import { crashPoint } from '../../fs/crash-point.js';
import { createTurnCgroup, removeCgroup, resolveExecutable, wrapInCgroup } from './cgroup.js';
import { OutputCollector } from './output.js';
import { DEFAULT_KILL_GRACE_MS, terminateGroup } from './terminate.js';
import type { TerminateResult } from './terminate.js';
import { AGENT_TOKEN_VAR, newAgentToken } from './token.js';

export interface GroupRunOptions {
  file: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment of the process (the token is added). */
  env: Record<string, string | undefined>;
  /** Written to stdin, which is then closed: a pipe left open stalls both agent CLIs. */
  input: string;
  timeoutMs: number;
  /**
   * Stops the group when nothing that counts as progress arrived for this long (SPEC 8's stall
   * timeout); the result says `stalled`. Undefined: no stall timer.
   */
  stallTimeoutMs?: number;
  /** While true the stall timer does not count (an agent waiting on ask_person). */
  isPaused?: () => boolean;
  /**
   * Which stdout lines count as progress for the stall timer. Default: any output on either stream.
   * codex prints `Reconnecting…` events forever when its endpoint is unreachable: those do not count.
   */
  isProgressLine?: (line: string) => boolean;
  signal?: AbortSignal;
  killGraceMs?: number;
  /** The process runs; `input` is written only once what this returns settles (a daemon journals the group durably first). */
  onSpawn?: (group: { pgid: number; token: string }) => unknown;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export interface GroupRunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Stopped by the stall timer: no progress for stallTimeoutMs. */
  stalled: boolean;
  canceled: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Set when the process could not start (ENOENT: no such binary; EACCES: not executable). */
  spawnError?: { code: string; message: string };
  /** Processes still running after the main one exited (background servers, stray children). */
  leftovers: boolean;
}

/** How long stdio may stay open after the group is gone (a process that left the group holds it). */
const STDIO_DRAIN_MS = 1_000;

/**
 * Signals a terminal sends to its foreground process group (Ctrl-C, Ctrl-\, a closed terminal). The
 * process joins a group of its own only a moment after it is forked: one of these sent to ccx's
 * group in that moment (a person's Ctrl-C stopping `ccx daemon` or `ccx loop`) kills it before it
 * ran. Such a run is started again rather than read as the agent's (or the tests') failure.
 */
const TERMINAL_SIGNALS: ReadonlySet<string> = new Set(['SIGINT', 'SIGQUIT', 'SIGHUP']);
const KILLED_AT_SPAWN_MS = 1_000;
const SPAWN_TRIES = 3;

/**
 * Runs one process in a process group of its own under a wall clock. Timeout and abort stop the
 * group (TERM, then KILL); when the main process exits, whatever is left of the group is stopped
 * too. Resolves (never rejects) once nothing of the group remains.
 */
export async function runInGroup(options: GroupRunOptions): Promise<GroupRunResult> {
  for (let tries = 1; ; tries += 1) {
    const result = await runInGroupOnce(options);
    if (tries >= SPAWN_TRIES || options.signal?.aborted === true || !killedAtSpawn(result)) return result;
  }
}

/** Killed by a terminal's signal that ccx did not send, at once and without a word: it never ran. */
function killedAtSpawn(result: GroupRunResult): boolean {
  return result.signal !== null && TERMINAL_SIGNALS.has(result.signal) && !result.timedOut && !result.stalled && !result.canceled
    && result.durationMs < KILLED_AT_SPAWN_MS && result.stdout === '' && result.stderr === '';
}

function runInGroupOnce(options: GroupRunOptions): Promise<GroupRunResult> {
  const started = Date.now();
  const token = newAgentToken();
  let lastProgress = started;
  const progressLine = options.isProgressLine;
  const onStdoutLine = progressLine === undefined ? options.onStdoutLine : (line: string) => {
    if (progressLine(line)) lastProgress = Date.now();
    options.onStdoutLine?.(line);
  };
  const stdout = new OutputCollector(onStdoutLine);
  const stderr = new OutputCollector(options.onStderrLine);
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const base = () => ({ durationMs: Date.now() - started, stdout: stdout.text(), stderr: stderr.text() });

  if (options.signal?.aborted === true) {
    return Promise.resolve({ exitCode: null, signal: null, timedOut: false, stalled: false, canceled: true, leftovers: false, ...base() });
  }
  return new Promise((resolve) => {
    // Contained in a cgroup of its own where the platform allows (cgroup.ts); a binary that does not
    // exist is spawned bare, so that spawn reports it.
    const executable = resolveExecutable(options.file, options.cwd, options.env['PATH']);
    const cgroup = executable === undefined ? undefined : createTurnCgroup(token);
    const command = cgroup === undefined || executable === undefined ? { file: options.file, args: [...options.args] } : wrapInCgroup(cgroup, executable, options.args);
    const child = spawn(command.file, command.args, {
      cwd: options.cwd,
      env: { ...options.env, [AGENT_TOKEN_VAR]: token },
      detached: true, // setsid(): a session and group of its own, pgid = pid
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let stalled = false;
    let canceled = false;
    let stopping: Promise<TerminateResult> | undefined;
    const stop = () => (stopping ??= terminateGroup(child.pid, token, grace, cgroup));
    const timer = setTimeout(() => {
      timedOut = true;
      void stop();
    }, options.timeoutMs);
    let stallTimer: NodeJS.Timeout | undefined;
    const stallMs = options.stallTimeoutMs;
    const watchStall = (waitMs: number) => {
      stallTimer = setTimeout(() => {
        if (stallMs === undefined || stopping !== undefined) return;
        if (options.isPaused?.() === true) lastProgress = Date.now(); // a question waits for a person: not a stall
        const quietMs = Date.now() - lastProgress;
        if (quietMs < stallMs) return watchStall(stallMs - quietMs);
        stalled = true;
        void stop();
      }, waitMs);
    };
    if (stallMs !== undefined) watchStall(stallMs);
    const onAbort = () => {
      canceled = true;
      void stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const stopWatching = () => {
      clearTimeout(timer);
      clearTimeout(stallTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    const anyOutput = progressLine === undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (anyOutput) lastProgress = Date.now();
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (anyOutput) lastProgress = Date.now();
      stderr.push(chunk);
    });
    child.stdin.on('error', () => undefined); // EPIPE: it exited without reading; its exit says why

    child.once('spawn', () => {
      const recorded = child.pid === undefined ? undefined : options.onSpawn?.({ pgid: child.pid, token });
      // An agent gets its prompt only once its group is recorded: it cannot start work a crash would leave unrecorded.
      void Promise.resolve(recorded)
        .catch(() => undefined)
        .then(() => {
          crashPoint('spawn:agent:after');
          child.stdin.end(options.input);
        });
    });
    child.on('error', (error) => {
      if (child.pid !== undefined) return; // a failed kill of a running child: its exit follows
      stopWatching();
      if (cgroup !== undefined) removeCgroup(cgroup);
      const spawnError = { code: errnoCode(error) ?? 'UNKNOWN', message: error.message };
      resolve({ exitCode: null, signal: null, timedOut: false, stalled: false, canceled: false, leftovers: false, ...base(), spawnError });
    });
    child.once('exit', (exitCode, signal) => {
      stopWatching();
      void (async () => {
        // The main process is gone; whatever is left of its group (or carries its token) goes too.
        const stoppedBefore = stopping !== undefined;
        const stopped = await stop();
        await drain([child.stdout, child.stderr]);
        stdout.end();
        stderr.end();
        resolve({ exitCode, signal, timedOut, stalled, canceled, leftovers: !stoppedBefore && stopped.found, ...base() });
      })();
    });
  });
}

/** Waits for both streams to end, but not for a process that escaped with a copy of them. */
async function drain(streams: Readable[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = (stream: Readable) =>
    new Promise<void>((resolve) => {
      if (stream.readableEnded || stream.destroyed) resolve();
      else stream.once('end', resolve).once('close', resolve);
    });
  await Promise.race([Promise.all(streams.map(ended)), new Promise<void>((resolve) => (timer = setTimeout(resolve, STDIO_DRAIN_MS)))]);
  clearTimeout(timer);
  for (const stream of streams) stream.destroy();
}
