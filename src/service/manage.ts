import { serviceManager, type ServiceHost } from './host.js';
import { installLaunchd, uninstallLaunchd } from './launchd/install.js';
import { launchdStatus } from './launchd/status.js';
import { installSystemd, uninstallSystemd } from './systemd/install.js';
import { systemdStatus } from './systemd/status.js';
import type { ServiceReport, ServiceStatus } from './types.js';

/** Installs, enables and starts the service for this platform (systemd on Linux, launchd on macOS). */
export async function installService(host: ServiceHost): Promise<ServiceReport> {
  const report = serviceManager(host) === 'systemd' ? await installSystemd(host) : await installLaunchd(host);
  const npx = npxCacheNote(host);
  return npx === null ? report : { ...report, notes: [...report.notes, npx] };
}

/** Stops, disables and removes the service; says so when there is none. */
export function uninstallService(host: ServiceHost): Promise<ServiceReport> {
  return serviceManager(host) === 'systemd' ? uninstallSystemd(host) : uninstallLaunchd(host);
}

export function serviceStatus(host: ServiceHost): Promise<ServiceStatus> {
  return serviceManager(host) === 'systemd' ? systemdStatus(host) : launchdStatus(host);
}

/** npx runs ccx from a cache npm may clean at any time: a service pointing there breaks one day. */
function npxCacheNote(host: ServiceHost): string | null {
  if (!host.cliPath.includes('/_npx/')) return null;
  return `ccx runs from npx's cache (${host.cliPath}), which npm may clean at any time, and the service would break then. Install ccx for good (npm install --global, or a checkout with npm install) and run \`ccx service install\` from there.`;
}
