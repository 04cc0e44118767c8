import { isAbsolute } from 'node:path';
import { CcxError } from '../errors.js';
import type { ServiceHost } from './host.js';

/** What a unit or plist is filled in with. */
export interface ServiceSpec {
  nodePath: string;
  cliPath: string;
  home: string;
  /** Variables the service runs with: PATH, and CCX_DATA_HOME when it was set at install. */
  environment: ReadonlyArray<readonly [string, string]>;
}

/** Variables carried from the installing shell into the service, besides PATH. */
export const CARRIED_VARIABLES = ['CCX_DATA_HOME'] as const;

/** The spec for `host`: absolute node and CLI paths, and the PATH (and CCX_DATA_HOME) of now. */
export function serviceSpec(host: ServiceHost): ServiceSpec {
  for (const [what, path] of [['node', host.nodePath], ['the ccx CLI', host.cliPath]] as const) {
    if (!isAbsolute(path)) throw new CcxError('SERVICE_FAILED', `the path of ${what} must be absolute for a service, but it is ${JSON.stringify(path)}.`);
  }
  const path = host.env['PATH'] ?? '';
  if (path.trim() === '') {
    throw new CcxError('SERVICE_FAILED', 'PATH is empty, so the service would find neither git nor the agent CLIs.', {
      hint: 'Run `ccx service install` from your usual shell, where `claude`, `codex` and `git` are found.',
    });
  }
  const environment: Array<readonly [string, string]> = [['PATH', path]];
  for (const name of CARRIED_VARIABLES) {
    const value = host.env[name];
    if (value !== undefined && value !== '') environment.push([name, value]);
  }
  return { nodePath: host.nodePath, cliPath: host.cliPath, home: host.home, environment };
}

/** A value that would break the file it goes into: a line break or another control character. */
export function assertPrintable(what: string, value: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new CcxError('SERVICE_FAILED', `${what} contains a control character (${JSON.stringify(value)}), which a service file cannot hold.`, {
      hint: 'Install ccx, node and the agent CLIs under paths without line breaks or control characters.',
    });
  }
}
