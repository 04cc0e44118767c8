import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { fileExists } from '../../fs/exists.js';
import { JOURNAL_COMMAND, SYSTEMD_UNIT } from '../constants.js';
import { describeSpec } from '../describe.js';
import { servicePaths, type ServiceHost } from '../host.js';
import { serviceSpec } from '../spec.js';
import type { ServiceReport } from '../types.js';
import { lingerNote, lingerState } from './linger.js';
import { requireOk, systemctl } from './systemctl.js';
import { renderSystemdUnit } from './unit.js';

/** Unit files are configuration, readable like the rest of ~/.config. */
const UNIT_FILE_MODE = 0o644;

/** Writes the unit, reloads systemd, enables and starts it (restarts it when it was running). */
export async function installSystemd(host: ServiceHost): Promise<ServiceReport> {
  const paths = servicePaths(host);
  const spec = serviceSpec(host);
  const unit = await renderSystemdUnit(spec);
  // Asked first: when the user instance cannot be reached, nothing has been written yet.
  const wasActive = (await systemctl(host, ['is-active', '--quiet', SYSTEMD_UNIT])).exitCode === 0;
  await mkdir(dirname(paths.systemdUnit), { recursive: true });
  await writeFileAtomic(paths.systemdUnit, unit, UNIT_FILE_MODE);
  const done = [`Wrote ${paths.systemdUnit}: ${describeSpec(spec)}.`];
  const retry = `The unit is written; fix the cause, then run \`ccx service install\` again (details: ${JOURNAL_COMMAND}).`;
  requireOk(await systemctl(host, ['daemon-reload']), ['daemon-reload'], retry);
  // A unit that hit its start limit earlier refuses to start until this.
  await systemctl(host, ['reset-failed', SYSTEMD_UNIT]);
  const enable = ['enable', '--now', SYSTEMD_UNIT];
  requireOk(await systemctl(host, enable), enable, retry);
  if (wasActive) {
    requireOk(await systemctl(host, ['restart', SYSTEMD_UNIT]), ['restart', SYSTEMD_UNIT], retry);
    done.push(`Enabled ${SYSTEMD_UNIT} and restarted it with the new unit.`);
  } else {
    done.push(`Enabled and started ${SYSTEMD_UNIT}; systemd starts it with your user session from now on.`);
  }
  done.push(`Logs: ${JOURNAL_COMMAND}; a repository's audit log: ccx logs -f.`);
  const notes: string[] = [];
  const linger = lingerNote(host, await lingerState(host));
  if (linger !== null) notes.push(linger);
  return { done, notes };
}

/** Stops and disables the service, removes the unit and reloads systemd. */
export async function uninstallSystemd(host: ServiceHost): Promise<ServiceReport> {
  const { systemdUnit } = servicePaths(host);
  if (!(await fileExists(systemdUnit))) return { done: [`${SYSTEMD_UNIT} is not installed (no ${systemdUnit}); nothing to do.`], notes: [] };
  const disable = ['disable', '--now', SYSTEMD_UNIT];
  requireOk(await systemctl(host, disable), disable, `Nothing was removed. Stop it by hand (systemctl --user stop ${SYSTEMD_UNIT}), then run \`ccx service uninstall\` again.`);
  await rm(systemdUnit, { force: true });
  const notes: string[] = [];
  const reload = await systemctl(host, ['daemon-reload']);
  if (reload.exitCode !== 0) notes.push('systemctl --user daemon-reload failed after the unit was removed; run it yourself to forget the unit.');
  await systemctl(host, ['reset-failed', SYSTEMD_UNIT]);
  return { done: [`Stopped and disabled ${SYSTEMD_UNIT}.`, `Removed ${systemdUnit}.`], notes };
}
