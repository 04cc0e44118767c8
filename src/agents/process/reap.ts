import { cgroupMembers, removeCgroup, turnCgroupPath } from './cgroup.js';
import { carriesToken, groupMembers, tokenHolders } from './members.js';
import { DEFAULT_KILL_GRACE_MS, terminateGroup } from './terminate.js';

export interface ReapResult {
  /**
   * `gone`: nothing of the turn is left. `not-ours`: the pgid is alive but no member carries the
   * token (the id was reused), so it was left alone. `reaped`: leftovers were stopped.
   */
  kind: 'gone' | 'not-ours' | 'reaped';
  /** The processes that were stopped. */
  pids: number[];
}

/**
 * For a restarted daemon: stops what is left of a journalled agent group, but only if it is
 * really ours (a member, or some process anywhere, still carries CCX_AGENT_TOKEN=<token>).
 */
export async function reapProcessGroup(pgid: number, token: string, graceMs = DEFAULT_KILL_GRACE_MS): Promise<ReapResult> {
  const members = groupMembers(pgid);
  const ours = members.filter((pid) => carriesToken(pid, token));
  // The turn's cgroup is named by its token, so whatever is in it is the turn's, whatever its group or environment.
  const cgroup = turnCgroupPath(token);
  const contained = cgroup === undefined ? [] : cgroupMembers(cgroup);
  const escaped = [...new Set([...tokenHolders(token), ...contained])].filter((pid) => !members.includes(pid));
  if (ours.length === 0 && escaped.length === 0) {
    if (cgroup !== undefined) removeCgroup(cgroup);
    return { kind: members.length === 0 ? 'gone' : 'not-ours', pids: [] };
  }
  // A group with no member carrying the token is someone else's now: signal only the token holders.
  await terminateGroup(ours.length > 0 ? pgid : undefined, token, graceMs, cgroup);
  return { kind: 'reaped', pids: ours.length > 0 ? [...members, ...escaped] : escaped };
}
