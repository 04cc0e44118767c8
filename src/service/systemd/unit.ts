import { CcxError } from '../../errors.js';
import { RESTART_SEC, START_LIMIT_BURST, START_LIMIT_INTERVAL_SEC, SYSTEMD_DAEMON_ARGS, TIMEOUT_STOP_SEC } from '../constants.js';
import { assertPrintable, type ServiceSpec } from '../spec.js';
import { fillTemplate, readTemplate } from '../template.js';

export const SYSTEMD_TEMPLATE = 'systemd/ccx.service';

/** The user unit for `spec`, from the shipped template: `ccx daemon` unless other ccx arguments are given. */
export async function renderSystemdUnit(spec: ServiceSpec, ccxArgs: readonly string[] = SYSTEMD_DAEMON_ARGS): Promise<string> {
  const exec = [spec.nodePath, spec.cliPath, ...ccxArgs].map((arg, index) => {
    assertPrintable(`the command line part ${JSON.stringify(arg)}`, arg);
    return index === 0 ? executable(arg) : execArgument(arg);
  });
  const environment = spec.environment.map(([name, value]) => {
    assertPrintable(name, value);
    return `Environment="${quoted(percents(`${name}=${value}`))}"`;
  });
  return fillTemplate(await readTemplate(SYSTEMD_TEMPLATE), {
    EXEC_START: exec.join(' '),
    ENVIRONMENT: environment.join('\n'),
    START_LIMIT_INTERVAL_SEC: String(START_LIMIT_INTERVAL_SEC),
    START_LIMIT_BURST: String(START_LIMIT_BURST),
    TIMEOUT_STOP_SEC: String(TIMEOUT_STOP_SEC),
    RESTART_SEC: String(RESTART_SEC),
  });
}

/**
 * ExecStart='s program: systemd expands no `$` there and refuses a quote or backslash in it
 * ("Executable name contains special characters"), whatever the quoting.
 */
export function executable(path: string): string {
  if (/["\\]/.test(path)) {
    throw new CcxError('SERVICE_FAILED', `systemd cannot run a program whose path holds a quote or a backslash, and node is ${JSON.stringify(path)}.`, {
      hint: 'Install node (or link it) under a path without quotes or backslashes, run ccx with that node, and install again.',
    });
  }
  const literal = percents(path);
  return /\s/.test(path) ? `"${literal}"` : literal;
}

/**
 * One ExecStart= argument: `%` is a specifier and `$` a variable in systemd's syntax, so both are
 * doubled; a word with a space, quote, backslash or `;` is double-quoted with C escapes.
 */
export function execArgument(value: string): string {
  const literal = percents(value).replace(/\$/g, '$$$$');
  return value === '' || /[\s"'\\;]/.test(value) ? `"${quoted(literal)}"` : literal;
}

/** `%` starts a specifier everywhere in a unit file (ExecStart= and Environment= alike). */
function percents(value: string): string {
  return value.replace(/%/g, '%%');
}

/** The inside of a double-quoted systemd value: C escapes for backslash and quote. */
function quoted(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
