import { readEnv } from '../../config/env.js';
import type { ProcessOptions, TurnRequest } from '../types.js';
import { runInGroup } from './run.js';
import type { GroupRunOptions, GroupRunResult } from './run.js';

/** Runs one turn's process: the request gives cwd, stdin, wall clock, cancel and the spawn hook. */
export function runTurnProcess(request: TurnRequest, options: Pick<GroupRunOptions, 'file' | 'args' | 'env' | 'killGraceMs' | 'stallTimeoutMs' | 'isProgressLine' | 'onStdoutLine' | 'onStderrLine'>): Promise<GroupRunResult> {
  return runInGroup({
    ...options,
    cwd: request.worktree,
    input: request.prompt,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    onSpawn: request.onSpawn,
    ...(request.ask === undefined ? {} : { isPaused: () => request.ask?.isWaiting() === true }),
  });
}

/** The stall timeout a turn runs under: the request's, else the agent config's, else CCX_STALL_TIMEOUT_MS. */
export function stallTimeoutFor(request: TurnRequest, config: ProcessOptions): number {
  return request.stallTimeoutMs ?? config.stallTimeoutMs ?? readEnv().stallTimeoutMs;
}
