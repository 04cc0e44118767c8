import type { CheckResult, DoctorHost } from '../types.js';

/**
 * Whether "no agent process outlives its turn" holds here also for a process that starts a new
 * session and scrubs its environment (SPEC 13): only a per-turn cgroup guarantees that.
 */
export function checkContainment(host: DoctorHost): CheckResult {
  const support = host.containment;
  if (support.available) {
    return { level: 'ok', name: 'containment', message: `each agent turn runs in a cgroup of its own under ${support.base}: nothing it starts outlives the turn` };
  }
  return {
    level: 'warn',
    name: 'containment',
    message: `no per-turn cgroup (${support.reason}): turns are stopped by process group and environment token, which a process started with \`env -i setsid\` escapes`,
    fix: host.platform === 'linux'
      ? 'Run the daemon where it may create cgroup v2 groups: as root, or as a systemd service with Delegate=yes.'
      : `${host.platform} offers nothing stronger: treat a task as running a command yourself.`,
  };
}
