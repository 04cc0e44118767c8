import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CcxError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { fileExists } from '../../fs/exists.js';
import { serviceManager, servicePaths, type ServiceHost } from '../host.js';
import { serviceSpec } from '../spec.js';
import type { ServiceReport } from '../types.js';
import { requireOk, systemctl } from './systemctl.js';
import { renderSystemdUnit } from './unit.js';

/** `ccx service install --runner`: a second user unit, beside the daemon's, that runs `ccx runner`. */
export const RUNNER_UNIT = 'ccx-runner.service';

/** The runner's unit: the daemon's template with `runner <args>` for ExecStart. */
export async function renderRunnerUnit(host: ServiceHost, runnerArgs: readonly string[]): Promise<string> {
  const unit = await renderSystemdUnit(serviceSpec(host), ['runner', ...runnerArgs]);
  return unit.replace('Description=ccx daemon: BOARD.md tasks implemented, reviewed and merged', 'Description=ccx runner: attempts of a ccx daemon elsewhere, from NATS JetStream');
}

function unitPath(host: ServiceHost): string {
  return join(dirname(servicePaths(host).systemdUnit), RUNNER_UNIT);
}

function requireSystemd(host: ServiceHost): void {
  if (serviceManager(host) !== 'systemd') {
    throw new CcxError('SERVICE_UNSUPPORTED', '`ccx service install --runner` writes a systemd user unit; launchd is not supported for runners yet.', { hint: 'On macOS run `ccx runner --nats …` under your own launchd agent or in a terminal.' });
  }
}

export async function installRunnerService(host: ServiceHost, runnerArgs: readonly string[]): Promise<ServiceReport> {
  requireSystemd(host);
  const path = unitPath(host);
  const unit = await renderRunnerUnit(host, runnerArgs);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, unit, 0o644);
  const retry = `The unit is written; fix the cause, then run \`ccx service install --runner …\` again (details: journalctl --user -u ccx-runner).`;
  requireOk(await systemctl(host, ['daemon-reload']), ['daemon-reload'], retry);
  await systemctl(host, ['reset-failed', RUNNER_UNIT]);
  requireOk(await systemctl(host, ['enable', '--now', RUNNER_UNIT]), ['enable', '--now', RUNNER_UNIT], retry);
  requireOk(await systemctl(host, ['restart', RUNNER_UNIT]), ['restart', RUNNER_UNIT], retry);
  return { done: [`Wrote ${path} (ccx runner ${runnerArgs.join(' ')}).`, `Enabled and started ${RUNNER_UNIT}. Logs: journalctl --user -u ccx-runner -f`], notes: [] };
}

export async function uninstallRunnerService(host: ServiceHost): Promise<ServiceReport> {
  requireSystemd(host);
  const path = unitPath(host);
  if (!(await fileExists(path))) return { done: [`${RUNNER_UNIT} is not installed (no ${path}); nothing to do.`], notes: [] };
  requireOk(await systemctl(host, ['disable', '--now', RUNNER_UNIT]), ['disable', '--now', RUNNER_UNIT], `Nothing was removed. Stop it by hand (systemctl --user stop ${RUNNER_UNIT}), then run \`ccx service uninstall --runner\` again.`);
  await rm(path, { force: true });
  await systemctl(host, ['daemon-reload']);
  return { done: [`Stopped and disabled ${RUNNER_UNIT}.`, `Removed ${path}.`], notes: [] };
}
