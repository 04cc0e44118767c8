import type { TurnRequest } from '../types.js';
import { runInGroup } from './run.js';
import type { GroupRunOptions, GroupRunResult } from './run.js';

/** Runs one turn's process: the request gives cwd, stdin, wall clock, cancel and the spawn hook. */
export function runTurnProcess(request: TurnRequest, options: Pick<GroupRunOptions, 'file' | 'args' | 'env' | 'killGraceMs' | 'onStdoutLine' | 'onStderrLine'>): Promise<GroupRunResult> {
  return runInGroup({
    ...options,
    cwd: request.worktree,
    input: request.prompt,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    onSpawn: request.onSpawn,
  });
}
