import { setTimeout as sleep } from 'node:timers/promises';
import { cgroupMembers, killCgroup, removeCgroup } from './cgroup.js';
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
 * Stops group `pgid` (when given), every process in the turn's `cgroup` (when it has one: nothing
 * escapes it) and every process carrying `token` (descendants that moved to a session of their
 * own): SIGTERM, then SIGKILL after `graceMs`. Resolves once nothing is left; the cgroup is removed.
 */
export async function terminateGroup(pgid: number | undefined, token: string, graceMs = DEFAULT_KILL_GRACE_MS, cgroup?: string): Promise<TerminateResult> {
  const left = () => (pgid !== undefined && isProcessGroupAlive(pgid) ? 1 : 0) + tokenHolders(token).length + (cgroup === undefined ? 0 : cgroupMembers(cgroup).length);
  try {
    if (left() === 0) return { found: false, killed: false, survivors: 0 };
    sendAll(pgid, token, cgroup, 'SIGTERM');
    if (await waitUntilGone(left, graceMs)) return { found: true, killed: false, survivors: 0 };
    sendAll(pgid, token, cgroup, 'SIGKILL');
    await waitUntilGone(left, AFTER_KILL_WAIT_MS);
    return { found: true, killed: true, survivors: left() };
  } finally {
    if (cgroup !== undefined) removeCgroup(cgroup);
  }
}

function sendAll(pgid: number | undefined, token: string, cgroup: string | undefined, signal: NodeJS.Signals): void {
  if (pgid !== undefined) signalGroup(pgid, signal);
  if (cgroup !== undefined) {
    if (signal === 'SIGKILL') killCgroup(cgroup);
    else signalProcesses(cgroupMembers(cgroup), signal);
  }
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
