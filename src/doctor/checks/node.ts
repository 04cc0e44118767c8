import type { CheckResult, DoctorHost } from '../types.js';
import { compareVersions, formatVersion, parseVersion, type Version } from '../version.js';

/** SPEC 1 (and package.json engines). */
export const MIN_NODE_VERSION: Version = [20, 19, 0];

export function checkNode(host: DoctorHost): CheckResult {
  const version = parseVersion(host.nodeVersion);
  const needed = `${MIN_NODE_VERSION[0]}.${MIN_NODE_VERSION[1]}`;
  if (version !== null && compareVersions(version, MIN_NODE_VERSION) >= 0) {
    return { level: 'ok', name: 'node', message: `node ${formatVersion(version)} (needs ${needed} or newer)` };
  }
  return {
    level: 'fail',
    name: 'node',
    message: `node ${host.nodeVersion} is older than ${needed}, which ccx needs`,
    fix: `Install node ${needed} or newer (22 and 24 LTS work too), then run ccx with it (and \`ccx service install\` again if the service runs).`,
  };
}
