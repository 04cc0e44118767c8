import { readFile } from 'node:fs/promises';
import { isCcxError } from '../../errors.js';
import { fileExists } from '../../fs/exists.js';
import { JOURNAL_COMMAND, SYSTEMD_UNIT } from '../constants.js';
import { servicePaths, type ServiceHost } from '../host.js';
import { execStartWords, missingProgramProblems } from '../installed-paths.js';
import type { ServiceStatus } from '../types.js';
import { lingerState } from './linger.js';
import { systemctl } from './systemctl.js';

/** Installed (the unit file), enabled, running (systemctl --user), linger, and what is wrong with the unit. */
export async function systemdStatus(host: ServiceHost): Promise<ServiceStatus> {
  const file = servicePaths(host).systemdUnit;
  const installed = await fileExists(file);
  const linger = await lingerState(host);
  const status: ServiceStatus = {
    manager: 'systemd',
    file,
    installed,
    enabled: null,
    running: null,
    pid: null,
    state: null,
    unknown: null,
    logs: JOURNAL_COMMAND,
    problems: installed ? await missingProgramProblems(execStartWords(await readFile(file, 'utf8'))) : [],
    linger: linger.linger,
  };
  try {
    const active = await systemctl(host, ['is-active', SYSTEMD_UNIT]);
    status.state = active.stdout.trim() || null;
    status.running = active.exitCode === 0;
    const enabled = await systemctl(host, ['is-enabled', SYSTEMD_UNIT]);
    status.enabled = enabled.exitCode === 0 && enabled.stdout.trim() === 'enabled';
    const pid = Number((await systemctl(host, ['show', '--property=MainPID', '--value', SYSTEMD_UNIT])).stdout.trim());
    status.pid = Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if (!isCcxError(error, 'SERVICE_UNAVAILABLE')) throw error;
    status.unknown = { reason: error.message, fix: error.hint ?? null };
  }
  return status;
}
