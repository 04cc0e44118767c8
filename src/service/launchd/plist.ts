import { LAUNCHD_DAEMON_ARGS, LAUNCHD_LABEL, START_LIMIT_BURST, START_LIMIT_INTERVAL_SEC, THROTTLE_INTERVAL_SEC, TIMEOUT_STOP_SEC } from '../constants.js';
import { assertPrintable, type ServiceSpec } from '../spec.js';
import { fillTemplate, readTemplate } from '../template.js';

export const LAUNCHD_TEMPLATE = `launchd/${LAUNCHD_LABEL}.plist`;

/** The launch agent for `spec`, from the shipped template; logs go to `logDir`. */
export async function renderLaunchdPlist(spec: ServiceSpec, logDir: string): Promise<string> {
  const string = (what: string, value: string) => {
    assertPrintable(what, value);
    return `<string>${xml(value)}</string>`;
  };
  const programArguments = [spec.nodePath, spec.cliPath, ...LAUNCHD_DAEMON_ARGS].map((arg) => `    ${string(`the program argument ${JSON.stringify(arg)}`, arg)}`);
  const environment = spec.environment.flatMap(([name, value]) => [`    <key>${xml(name)}</key>`, `    ${string(name, value)}`]);
  assertPrintable('the home folder', spec.home);
  assertPrintable('the log folder', logDir);
  return fillTemplate(await readTemplate(LAUNCHD_TEMPLATE), {
    LABEL: LAUNCHD_LABEL,
    PROGRAM_ARGUMENTS: programArguments.join('\n'),
    ENVIRONMENT: environment.join('\n'),
    HOME: xml(spec.home),
    LOG_DIR: xml(logDir),
    THROTTLE_INTERVAL_SEC: String(THROTTLE_INTERVAL_SEC),
    TIMEOUT_STOP_SEC: String(TIMEOUT_STOP_SEC),
    START_LIMIT_BURST: String(START_LIMIT_BURST),
    START_LIMIT_INTERVAL_SEC: String(START_LIMIT_INTERVAL_SEC),
  });
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
