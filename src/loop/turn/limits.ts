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

/** The longest a limit is waited out: a reset further away (or unreadable) is clamped to a year, and said. */
export const MAX_LIMIT_WAIT_MS = 365 * 24 * 60 * 60 * 1000;
/** Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** When to try again: the agent's reset time when it lies ahead (at most a year), else a backoff by how often this turn was limited. */
export function retryAt(resetAt: Date | undefined, timesLimited: number, now = new Date()): Date {
  if (resetAt !== undefined && resetAt.getTime() > now.getTime()) return clampReset(resetAt, now).until;
  const backoff = Math.min(LIMIT_BACKOFF_MAX_MS, LIMIT_BACKOFF_START_MS * 2 ** Math.max(0, timesLimited - 1));
  return new Date(now.getTime() + backoff);
}

/** A reset time of at most a year from `now`; `clamped` says it was further (or not a valid time). */
export function clampReset(resetAt: Date, now = new Date()): { until: Date; clamped: boolean } {
  const latest = now.getTime() + MAX_LIMIT_WAIT_MS;
  const at = resetAt.getTime();
  return Number.isFinite(at) && at <= latest ? { until: resetAt, clamped: false } : { until: new Date(latest), clamped: true };
}

/**
 * Resolves at `when` (rejects when `signal` aborts), however far away: one timer of at most
 * MAX_TIMER_MS after another, so a monthly quota sleeps quietly instead of firing at once.
 */
export function sleepUntil(when: Date, signal: AbortSignal, now: () => number = Date.now): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'cancelled')));
    };
    const arm = () => {
      const left = when.getTime() - now();
      if (!(left > 0)) {
        signal.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}
