import { setTimeout as sleep } from 'node:timers/promises';
import { tokenHolders } from './members.js';
import { isProcessGroupAlive, signalGroup, signalProcesses } from './signal.js';

export const DEFAULT_KILL_GRACE_MS = 5_000;
/** How long to wait for the kernel to tear processes down after SIGKILL. */
const AFTER_KILL_WAIT_MS = 2_000;
const POLL_START_MS = 10;
const POLL_MAX_MS = 200;

export interface TerminateResult {
  /** Something was still running when we started. */
  found: boolean;
  /** SIGTERM was not enough. */
  killed: boolean;
  /** Still alive after SIGKILL (should not happen; an uninterruptible sleep can do it). */
  survivors: number;
}

/**
 * Stops group `pgid` (when given) and every process carrying `token` (descendants that moved to a session of
 * their own): SIGTERM, then SIGKILL after `graceMs`. Resolves once nothing is left.
 */
export async function terminateGroup(pgid: number | undefined, token: string, graceMs = DEFAULT_KILL_GRACE_MS): Promise<TerminateResult> {
  const left = () => (pgid !== undefined && isProcessGroupAlive(pgid) ? 1 : 0) + tokenHolders(token).length;
  if (left() === 0) return { found: false, killed: false, survivors: 0 };
  sendAll(pgid, token, 'SIGTERM');
  if (await waitUntilGone(left, graceMs)) return { found: true, killed: false, survivors: 0 };
  sendAll(pgid, token, 'SIGKILL');
  await waitUntilGone(left, AFTER_KILL_WAIT_MS);
  return { found: true, killed: true, survivors: left() };
}

function sendAll(pgid: number | undefined, token: string, signal: NodeJS.Signals): void {
  if (pgid !== undefined) signalGroup(pgid, signal);
  signalProcesses(tokenHolders(token), signal);
}

async function waitUntilGone(left: () => number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  let wait = POLL_START_MS;
  while (left() > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(wait, Math.max(1, deadline - Date.now())));
    wait = Math.min(wait * 2, POLL_MAX_MS);
  }
  return true;
}
