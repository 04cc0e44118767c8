import { realpathSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnv } from '../config/env.js';
import { dataRoot } from '../config/paths.js';
import { CcxError } from '../errors.js';
import { LAUNCHD_LABEL, SYSTEMD_UNIT } from './constants.js';

export type ServiceManager = 'systemd' | 'launchd';

/**
 * Everything about the machine a service install depends on, gathered once so that tests can
 * point it at a temp home and at fake systemctl/launchctl executables on PATH.
 */
export interface ServiceHost {
  platform: NodeJS.Platform;
  home: string;
  /** The environment the tools run with; its PATH is also what the service gets. */
  env: NodeJS.ProcessEnv;
  uid: number;
  user: string;
  /** The node binary that runs ccx now (process.execPath). */
  nodePath: string;
  /** The ccx CLI entry point (dist/cli/bin.js), real path. */
  cliPath: string;
}

export function currentServiceHost(env: NodeJS.ProcessEnv): ServiceHost {
  const home = nonEmpty(env['HOME']) ?? homedir();
  return {
    platform: process.platform,
    home,
    env,
    uid: process.getuid?.() ?? 0,
    user: nonEmpty(env['USER']) ?? nonEmpty(env['LOGNAME']) ?? userInfo().username,
    nodePath: process.execPath,
    cliPath: realpathSync(fileURLToPath(new URL('../cli/bin.js', import.meta.url))),
  };
}

export function serviceManager(host: ServiceHost): ServiceManager {
  if (host.platform === 'linux') return 'systemd';
  if (host.platform === 'darwin') return 'launchd';
  throw new CcxError('SERVICE_UNSUPPORTED', `ccx runs as a service under systemd (Linux) and launchd (macOS), not on ${host.platform}.`, {
    hint: 'Run `ccx daemon` in the foreground, under a supervisor of your own.',
  });
}

/** Where the unit or plist is installed, and where the service's own output goes. */
export function servicePaths(host: ServiceHost) {
  const configHome = nonEmpty(host.env['XDG_CONFIG_HOME']) ?? join(host.home, '.config');
  const launchdLogs = join(host.home, 'Library', 'Logs', 'ccx');
  return {
    systemdUnit: join(configHome, 'systemd', 'user', SYSTEMD_UNIT),
    launchdPlist: join(host.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`),
    launchdLogs,
    launchdStdout: join(launchdLogs, 'daemon.out.log'),
    launchdStderr: join(launchdLogs, 'daemon.err.log'),
    /** The start counter of launchd's service mode. */
    startsFile: join(serviceDataRoot(host), 'service-starts.json'),
  };
}

export type ServicePaths = ReturnType<typeof servicePaths>;

/** The data root (SPEC 2) as the service will see it. */
export function serviceDataRoot(host: ServiceHost): string {
  return dataRoot(readEnv(host.env), { platform: host.platform, home: host.home, xdgDataHome: nonEmpty(host.env['XDG_DATA_HOME']) });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
