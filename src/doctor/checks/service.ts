import { isCcxError } from '../../errors.js';
import { LAUNCHD_LABEL, lingerState, serviceStatus, SYSTEMD_UNIT, type ServiceStatus } from '../../service/index.js';
import type { CheckResult, DoctorHost } from '../types.js';

const NAME = 'service';

/** Installed and running (systemd or launchd), whatever is wrong with the installed file, and linger on Linux. */
export async function checkService(host: DoctorHost): Promise<CheckResult[]> {
  let status: ServiceStatus;
  try {
    status = await serviceStatus(host.service);
  } catch (error) {
    if (!isCcxError(error)) throw error;
    const level = error.code === 'SERVICE_UNSUPPORTED' || error.code === 'SERVICE_UNAVAILABLE' ? 'warn' : 'fail';
    return [{ level, name: NAME, message: error.message, ...(error.hint === undefined ? {} : { fix: error.hint }) }];
  }
  const problems = status.problems.map((problem): CheckResult => ({ level: 'fail', name: NAME, message: problem }));
  return [serviceLine(status), ...problems, ...(status.manager === 'systemd' ? [await lingerLine(host)] : [])];
}

function serviceLine(status: ServiceStatus): CheckResult {
  const name = status.manager === 'systemd' ? SYSTEMD_UNIT : LAUNCHD_LABEL;
  const unreachable = status.unknown === null ? {} : { fix: status.unknown.fix ?? 'Run `ccx daemon` under a supervisor of your own.' };
  if (!status.installed && status.unknown !== null) {
    return { level: 'warn', name: NAME, message: `${name} is not installed, and the service manager cannot be reached here: ${status.unknown.reason}`, ...unreachable };
  }
  if (!status.installed) {
    return { level: 'warn', name: NAME, message: `${name} is not installed: the daemon runs only while \`ccx daemon\` does`, fix: 'ccx service install' };
  }
  if (status.unknown !== null) return { level: 'warn', name: NAME, message: `${name} is installed, but whether it runs cannot be told: ${status.unknown.reason}`, ...unreachable };
  if (status.running === true) return { level: 'ok', name: NAME, message: `${name} is installed and running${status.pid === null ? '' : ` (pid ${status.pid})`}` };
  const restart = status.manager === 'systemd' ? `systemctl --user restart ${SYSTEMD_UNIT}` : `launchctl kickstart gui/$(id -u)/${LAUNCHD_LABEL}`;
  return {
    level: 'fail',
    name: NAME,
    message: `${name} is installed but not running (${status.state ?? 'stopped'})`,
    fix: `See why in ${status.logs}, fix it, then: ${restart}`,
  };
}

async function lingerLine(host: DoctorHost): Promise<CheckResult> {
  const state = await lingerState(host.service);
  const fix = `loginctl enable-linger ${host.service.user}`;
  if (state.linger === null) return { level: 'warn', name: 'linger', message: `cannot tell whether linger is on (${state.reason})`, fix: `If ccx should run while you are logged out: ${fix}` };
  if (state.linger) return { level: 'ok', name: 'linger', message: 'on: the service keeps running after you log out' };
  return { level: 'warn', name: 'linger', message: 'off: a systemd user service stops when you log out', fix };
}
