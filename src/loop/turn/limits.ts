import type { OutcomeKind } from '../../agents/index.js';

/**
 * Not failures (SPEC 8): wait, then run the same turn again; no attempt or cycle is spent. A stall
 * (no output event for CCX_STALL_TIMEOUT_MS) is a transient outage, retried the same way, but only
 * MAX_STALLS_IN_A_ROW times in a row: then the turn ends as a timeout.
 */
export const LIMIT_KINDS: readonly OutcomeKind[] = ['usage-limit', 'rate-limited', 'overloaded', 'stalled'];
export const MAX_STALLS_IN_A_ROW = 3;
/** The first wait when an agent gives no (future) reset time; it doubles up to the maximum. */
export const LIMIT_BACKOFF_START_MS = 60_000;
export const LIMIT_BACKOFF_MAX_MS = 30 * 60_000;

export function isLimit(kind: OutcomeKind): boolean {
  return LIMIT_KINDS.includes(kind);
}

/** When to try again: the agent's reset time when it lies ahead, else a backoff by how often this turn was limited. */
export function retryAt(resetAt: Date | undefined, timesLimited: number, now = new Date()): Date {
  if (resetAt !== undefined && resetAt.getTime() > now.getTime()) return resetAt;
  const backoff = Math.min(LIMIT_BACKOFF_MAX_MS, LIMIT_BACKOFF_START_MS * 2 ** Math.max(0, timesLimited - 1));
  return new Date(now.getTime() + backoff);
}
