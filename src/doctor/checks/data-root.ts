import { constants } from 'node:fs';
import { access, mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readEnv } from '../../config/env.js';
import { dataRoot } from '../../config/paths.js';
import { errnoCode, isCcxError } from '../../errors.js';
import type { CheckResult, DoctorHost } from '../types.js';

const NAME = 'data root';

/** The CCX_* variables parse (SPEC 10), and the data root (SPEC 2) is a folder ccx can write. */
export async function checkDataRoot(host: DoctorHost): Promise<CheckResult[]> {
  let env;
  try {
    env = readEnv(host.env);
  } catch (error) {
    if (!isCcxError(error)) throw error;
    return [{ level: 'fail', name: 'environment', message: error.message, ...(error.hint === undefined ? {} : { fix: error.hint }) }];
  }
  const root = dataRoot(env, { platform: host.platform, home: host.home, xdgDataHome: nonEmpty(host.env['XDG_DATA_HOME']) });
  return [{ level: 'ok', name: 'environment', message: 'the CCX_* variables that are set are valid' }, await checkRoot(root)];
}

async function checkRoot(root: string): Promise<CheckResult> {
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') return { level: 'fail', name: NAME, message: `${root} cannot be read (${errnoCode(error) ?? String(error)})`, fix: 'Make it a folder you own, or set CCX_DATA_HOME to one.' };
    const parent = await nearestExisting(dirname(root));
    try {
      await access(parent, constants.W_OK);
      return { level: 'ok', name: NAME, message: `${root} does not exist yet; \`ccx init\` will create it` };
    } catch {
      return { level: 'fail', name: NAME, message: `${root} does not exist and ${parent} is not writable`, fix: 'Set CCX_DATA_HOME to a folder you can write, or fix the permissions.' };
    }
  }
  if (!info.isDirectory()) return { level: 'fail', name: NAME, message: `${root} is not a folder`, fix: 'Move that file away, or set CCX_DATA_HOME to another folder.' };
  try {
    await rm(await mkdtemp(join(root, '.doctor-')), { recursive: true });
  } catch (error) {
    return { level: 'fail', name: NAME, message: `${root} is not writable (${errnoCode(error) ?? String(error)})`, fix: `Make it yours and writable (chmod u+rwx ${root}), or set CCX_DATA_HOME to another folder.` };
  }
  if ((info.mode & 0o077) !== 0) {
    return { level: 'warn', name: NAME, message: `${root} is writable, but others may read it (mode ${(info.mode & 0o777).toString(8)}); it holds prompts and agent output`, fix: `chmod 700 ${root}` };
  }
  return { level: 'ok', name: NAME, message: `${root} is writable` };
}

async function nearestExisting(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    try {
      await stat(current);
      return current;
    } catch {
      if (dirname(current) === current) return current;
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
