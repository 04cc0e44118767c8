import type { TokenUsage } from '../types.js';
import type { CodexUsage } from './events.js';

/**
 * codex 0.169 reports a resumed thread's running totals in `turn.completed`, not the turn's own
 * use. This remembers each thread's last totals so a turn reports only its own tokens; a thread
 * this adapter has not seen (e.g. after a daemon restart) reports its totals.
 */
export class ThreadUsage {
  private readonly totals = new Map<string, CodexUsage>();

  turnUsage(threadId: string | undefined, resumed: boolean, reported: CodexUsage | undefined): TokenUsage | undefined {
    if (reported === undefined) return undefined;
    const previous = resumed && threadId !== undefined ? this.totals.get(threadId) : undefined;
    if (threadId !== undefined) this.totals.set(threadId, reported);
    if (previous === undefined || reported.input < previous.input) return reported;
    return {
      input: reported.input - previous.input,
      output: reported.output - previous.output,
      cacheRead: minus(reported.cacheRead, previous.cacheRead),
      cacheWrite: minus(reported.cacheWrite, previous.cacheWrite),
      reasoning: minus(reported.reasoning, previous.reasoning),
    };
  }
}

function minus(now: number | undefined, before: number | undefined): number | undefined {
  return now === undefined ? undefined : Math.max(0, now - (before ?? 0));
}
