import { readFile } from 'node:fs/promises';
import { fileExists } from '../../fs/exists.js';
import { START_LIMIT_BURST } from '../constants.js';
import { servicePaths, type ServiceHost } from '../host.js';
import { missingProgramProblems, plistProgramArguments } from '../installed-paths.js';
import { readServiceStarts } from '../start-limit.js';
import type { ServiceStatus } from '../types.js';
import { launchdState } from './launchctl.js';

/** Installed (the plist), loaded and running (launchctl print), and whether service mode gave up. */
export async function launchdStatus(host: ServiceHost): Promise<ServiceStatus> {
  const paths = servicePaths(host);
  const installed = await fileExists(paths.launchdPlist);
  const state = await launchdState(host);
  const problems = installed ? await missingProgramProblems(plistProgramArguments(await readFile(paths.launchdPlist, 'utf8'))) : [];
  const starts = await readServiceStarts(paths.startsFile).catch(() => ({ starts: [], gaveUpAt: null }));
  if (starts.gaveUpAt !== null) {
    problems.push(
      `the daemon gave up at ${new Date(starts.gaveUpAt).toISOString()} after ${START_LIMIT_BURST} failed starts; ${paths.launchdStderr} says why. Fix it, then run \`ccx service install\` again.`,
    );
  }
  return {
    manager: 'launchd',
    file: paths.launchdPlist,
    installed,
    enabled: state.loaded,
    running: state.loaded && state.state === 'running',
    pid: state.pid,
    state: state.loaded ? state.state : 'not loaded',
    unknown: null,
    logs: paths.launchdLogs,
    problems,
    linger: null,
  };
}
