import { UsageError } from '../../errors.js';
import {
  currentServiceHost,
  installRunnerService,
  installService,
  LAUNCHD_LABEL,
  serviceStatus,
  SYSTEMD_UNIT,
  uninstallRunnerService,
  uninstallService,
  type ServiceReport,
  type ServiceStatus,
} from '../../service/index.js';
import { booleanOption, type CliIO, type Command } from '../command.js';

const ACTIONS = ['install', 'uninstall', 'status'] as const;

export const service: Command = {
  usage: 'ccx service install|uninstall|status [--json] [--runner --nats URL [--slots N] [--labels L] [--cache DIR] [--name N] [--creds F]]',
  details: `install    writes ~/.config/systemd/user/${SYSTEMD_UNIT} (Linux) or ~/Library/LaunchAgents/${LAUNCHD_LABEL}.plist
           (macOS) with the absolute paths of this node and this ccx and the PATH of this shell (and
           CCX_DATA_HOME when set), then enables and starts it. Run it again after upgrading node or
           moving ccx. On Linux it tells you when linger is off (the service would stop at logout).
uninstall  stops and disables the service and removes the file.
status     says whether it is installed, enabled and running, and where its logs are.
           Exit 0 when it is installed and running, 1 otherwise.

Options:
  --json   status as JSON: {manager, file, installed, enabled, running, pid, state, unknown, logs, problems, linger}
  --runner install or uninstall ccx-runner.service (systemd) instead, which runs ccx runner with the
           runner options given (--nats is required to install)`,
  options: { json: { type: 'boolean' }, runner: { type: 'boolean' }, nats: { type: 'string' }, slots: { type: 'string' }, labels: { type: 'string' }, cache: { type: 'string' }, name: { type: 'string' }, creds: { type: 'string' }, config: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const action = positionals[0];
    if (!ACTIONS.some((known) => known === action)) {
      throw new UsageError(`the action must be one of ${ACTIONS.join(', ')}, but it is ${JSON.stringify(action)}.`, { hint: 'Usage: ccx service install|uninstall|status' });
    }
    const host = currentServiceHost(io.env);
    if (booleanOption(values, 'runner') && action !== 'status') {
      if (action === 'uninstall') {
        printReport(io, await uninstallRunnerService(host));
        return 0;
      }
      if (typeof values['nats'] !== 'string') throw new UsageError('`ccx service install --runner` needs --nats with the NATS server URL, such as --nats nats://host:4222.');
      const args = ['nats', 'slots', 'labels', 'cache', 'name', 'creds', 'config'].flatMap((name) => (typeof values[name] === 'string' ? [`--${name}`, values[name]] : []));
      printReport(io, await installRunnerService(host, args));
      return 0;
    }
    if (action === 'status') {
      const status = await serviceStatus(host);
      if (booleanOption(values, 'json')) io.stdout(`${JSON.stringify(status, null, 2)}\n`);
      else io.stdout(formatStatus(status));
      return status.installed && status.running === true ? 0 : 1;
    }
    printReport(io, action === 'install' ? await installService(host) : await uninstallService(host));
    return 0;
  },
};

function printReport(io: CliIO, report: ServiceReport): void {
  for (const line of report.done) io.stdout(`${line}\n`);
  for (const note of report.notes) io.stderr(`note: ${note}\n`);
}

function formatStatus(status: ServiceStatus): string {
  const name = status.manager === 'systemd' ? `${SYSTEMD_UNIT} (systemd user service)` : `${LAUNCHD_LABEL} (launchd agent)`;
  const yesNo = (value: boolean | null) => (value === null ? 'cannot tell' : value ? 'yes' : 'no');
  const rows: [string, string][] = [
    ['installed', status.installed ? `yes: ${status.file}` : `no (${status.file} does not exist): run \`ccx service install\``],
    ['enabled', yesNo(status.enabled)],
    ['running', status.running === true ? `yes${status.pid === null ? '' : ` (pid ${status.pid})`}` : `${yesNo(status.running)}${status.state === null ? '' : ` (${status.state})`}`],
  ];
  if (status.manager === 'systemd') {
    rows.push(['linger', status.linger === null ? 'cannot tell' : status.linger ? 'on' : 'off: the service stops when you log out; fix: loginctl enable-linger $USER']);
  }
  rows.push(['logs', `${status.logs}   (a repository's audit log: ccx logs -f)`]);
  const lines = [name, ...rows.map(([label, text]) => `  ${label.padEnd(10)} ${text}`)];
  if (status.unknown !== null) {
    lines.push(`cannot ask the service manager: ${status.unknown.reason}`);
    if (status.unknown.fix !== null) lines.push(`  ${status.unknown.fix}`);
  }
  for (const problem of status.problems) lines.push(`problem: ${problem}`);
  return `${lines.join('\n')}\n`;
}
