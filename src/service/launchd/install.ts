import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureDir, writeFileAtomic } from '../../fs/atomic-write.js';
import { fileExists } from '../../fs/exists.js';
import { LAUNCHD_LABEL, START_LIMIT_BURST, START_LIMIT_INTERVAL_SEC } from '../constants.js';
import { describeSpec } from '../describe.js';
import { servicePaths, type ServiceHost } from '../host.js';
import { serviceSpec } from '../spec.js';
import { clearServiceStarts } from '../start-limit.js';
import type { ServiceReport } from '../types.js';
import { launchctl, launchdDomain, launchdState, launchdTarget, requireLaunchctlOk } from './launchctl.js';
import { renderLaunchdPlist } from './plist.js';

const PLIST_FILE_MODE = 0o644;

/** Writes the plist, (re)loads it into the GUI domain, which starts it (RunAtLoad). */
export async function installLaunchd(host: ServiceHost): Promise<ServiceReport> {
  const paths = servicePaths(host);
  const spec = serviceSpec(host);
  const plist = await renderLaunchdPlist(spec, paths.launchdLogs);
  const target = launchdTarget(host);
  const done: string[] = [];
  // bootstrap refuses a label that is loaded already: unload the old one first.
  if ((await launchdState(host)).loaded) {
    const bootout = ['bootout', target];
    requireLaunchctlOk(await launchctl(host, bootout), bootout, 'Stop it with `ccx service uninstall`, then install again.');
    done.push(`Unloaded the running ${LAUNCHD_LABEL}.`);
  }
  await mkdir(dirname(paths.launchdPlist), { recursive: true });
  await ensureDir(paths.launchdLogs);
  await writeFileAtomic(paths.launchdPlist, plist, PLIST_FILE_MODE);
  done.push(`Wrote ${paths.launchdPlist}: ${describeSpec(spec)}.`);
  await clearServiceStarts(paths.startsFile);
  // A label disabled earlier (launchctl disable) cannot be bootstrapped until it is enabled.
  await launchctl(host, ['enable', target]);
  const bootstrap = ['bootstrap', launchdDomain(host), paths.launchdPlist];
  requireLaunchctlOk(
    await launchctl(host, bootstrap),
    bootstrap,
    `Run it from a Terminal in your logged-in desktop session (the ${launchdDomain(host)} domain does not exist over ssh or sudo), then \`ccx service install\` again.`,
  );
  done.push(`Loaded ${LAUNCHD_LABEL} into ${launchdDomain(host)}: it runs now and at every login.`);
  done.push(`Logs: ${paths.launchdStderr} (and daemon.out.log beside it); a repository's audit log: ccx logs -f.`);
  const notes = [
    `launchd restarts ccx after a crash; after ${START_LIMIT_BURST} starts within ${START_LIMIT_INTERVAL_SEC / 60} minutes it gives up and says why in ${paths.launchdStderr}.`,
  ];
  return { done, notes };
}

/** Unloads the agent (which stops it) and removes the plist. */
export async function uninstallLaunchd(host: ServiceHost): Promise<ServiceReport> {
  const paths = servicePaths(host);
  const loaded = (await launchdState(host)).loaded;
  const exists = await fileExists(paths.launchdPlist);
  if (!loaded && !exists) return { done: [`${LAUNCHD_LABEL} is not installed (no ${paths.launchdPlist}); nothing to do.`], notes: [] };
  const done: string[] = [];
  if (loaded) {
    const bootout = ['bootout', launchdTarget(host)];
    requireLaunchctlOk(await launchctl(host, bootout), bootout, `Nothing was removed. Try \`launchctl bootout ${launchdTarget(host)}\` yourself, then \`ccx service uninstall\` again.`);
    done.push(`Stopped and unloaded ${LAUNCHD_LABEL}.`);
  }
  if (exists) {
    await rm(paths.launchdPlist, { force: true });
    done.push(`Removed ${paths.launchdPlist}.`);
  }
  await clearServiceStarts(paths.startsFile);
  return { done, notes: [`The logs stay in ${paths.launchdLogs}.`] };
}
