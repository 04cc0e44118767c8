import { MIN_GIT_VERSION } from '../../git/repo.js';
import { firstLine, probe } from '../run-tool.js';
import type { CheckResult, DoctorHost } from '../types.js';
import { compareVersions, formatVersion, parseVersion } from '../version.js';
import { findExecutable } from '../which.js';

export async function checkGit(host: DoctorHost): Promise<CheckResult> {
  const needed = MIN_GIT_VERSION.join('.');
  const install = `Install git ${needed} or newer (ccx uses git merge-tree --write-tree) and put it first on PATH.`;
  const path = await findExecutable('git', host.env, host.cwd);
  if (path === null) return { level: 'fail', name: 'git', message: 'git was not found on PATH', fix: install };
  const result = await probe(path, ['--version'], host);
  const version = parseVersion(result.output);
  if (result.exitCode !== 0 || version === null) {
    return { level: 'fail', name: 'git', message: `\`${path} --version\` did not say its version (${firstLine(result)})`, fix: install };
  }
  if (compareVersions(version, [MIN_GIT_VERSION[0], MIN_GIT_VERSION[1], 0]) < 0) {
    return { level: 'fail', name: 'git', message: `git ${formatVersion(version)} (${path}) is older than ${needed}`, fix: install };
  }
  return { level: 'ok', name: 'git', message: `git ${formatVersion(version)} (needs ${needed} or newer)` };
}
