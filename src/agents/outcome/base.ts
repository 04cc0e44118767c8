import { existsSync } from 'node:fs';
import type { GroupRunResult } from '../process/run.js';
import type { OutcomeKind, TurnOutcome } from '../types.js';
import { cancelledMessage, cannotStartMessage, stalledMessage, timeoutMessage } from './messages.js';
import type { AgentLabel } from './messages.js';

export type OutcomeFields = Omit<TurnOutcome, 'exitCode' | 'signal' | 'timedOut' | 'canceled' | 'durationMs' | 'stdout' | 'stderr'>;

/** The process facts of a run, with the adapter's reading of it on top. */
export function outcome(run: GroupRunResult, fields: OutcomeFields): TurnOutcome {
  return {
    ...fields,
    exitCode: run.exitCode,
    signal: run.signal,
    timedOut: run.timedOut,
    canceled: run.canceled,
    durationMs: run.durationMs,
    stdout: run.stdout,
    stderr: run.stderr,
  };
}

export function failed(run: GroupRunResult, kind: OutcomeKind, message: string, extra: Partial<OutcomeFields> = {}): TurnOutcome {
  return outcome(run, { text: '', ...extra, kind, message });
}

/**
 * What ccx itself decided, before any reading of the agent's output: cancelled, timed out, or
 * never started. Undefined when the process ran and exited on its own.
 */
export function stoppedByCcx(run: GroupRunResult, agent: AgentLabel, context: { timeoutMs: number; killGraceMs: number; cwd: string; stallTimeoutMs?: number }): TurnOutcome | undefined {
  if (run.canceled) return failed(run, 'cancelled', cancelledMessage(agent));
  if (run.stalled) return failed(run, 'stalled', stalledMessage(agent, context.stallTimeoutMs ?? 0));
  if (run.timedOut) return failed(run, 'timeout', timeoutMessage(agent, context.timeoutMs, context.killGraceMs));
  if (run.spawnError !== undefined) {
    // spawn reports a missing working directory as ENOENT too.
    const cwdMissing = run.spawnError.code === 'ENOENT' && !existsSync(context.cwd);
    return failed(run, 'error', cannotStartMessage(agent, run.spawnError.code, cwdMissing ? context.cwd : undefined));
  }
  return undefined;
}

/** The last few non-empty lines of a stream, for a message. */
export function tail(text: string, lines = 5, maxChars = 600): string {
  const kept = text.split('\n').map((line) => line.trimEnd()).filter((line) => line !== '').slice(-lines).join('\n');
  return kept.length > maxChars ? `…${kept.slice(-maxChars)}` : kept;
}
