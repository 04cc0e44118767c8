import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CcxError, errnoCode } from '../errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './atomic-write.js';
import { isInside } from './inside.js';

/**
 * SPEC 13: under its roots (STATE_DIR, the inbox) ccx never follows a symbolic link it did not
 * make. An agent knows CCX_STATE_DIR; a link it plants at runs/T-<n> or worktrees/T-<n> would
 * otherwise have ccx write prompts, check a task out, or later delete a folder outside. The root
 * itself may be a link (a person's own set-up); every folder and file below it is checked.
 */

/** Fails when a component of `path` below `root` (the ones that exist) is a symbolic link or not a folder where one is needed. */
export async function requireNoLinks(root: string, path: string): Promise<void> {
  for (const component of componentsBelow(root, path)) {
    const stats = await lstat(component).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    });
    if (stats === null) return;
    if (stats.isSymbolicLink()) throw await plantedLink(root, component);
    if (component !== resolve(path) && !stats.isDirectory()) {
      throw new CcxError('PATH_OUTSIDE_ROOT', `${component} is not a folder, so ccx cannot use ${path}.`, { hint: `Move ${component} away; ccx makes that folder itself.` });
    }
  }
}

/** `mkdir -p` below `root` that refuses, rather than follows, a symbolic link on the way; new folders get `mode`. */
export async function ensureDirNoFollow(root: string, path: string, mode = PRIVATE_DIR_MODE): Promise<void> {
  for (const component of componentsBelow(root, path)) {
    try {
      await mkdir(component, { mode });
      await chmod(component, mode);
      continue;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    const stats = await lstat(component);
    if (stats.isSymbolicLink()) throw await plantedLink(root, component);
    if (!stats.isDirectory()) throw new CcxError('PATH_OUTSIDE_ROOT', `${component} is not a folder, so ccx cannot make ${path}.`, { hint: `Move ${component} away; ccx makes that folder itself.` });
  }
}

/** Writes `data` to `path` (created or truncated, `mode`), never through a link at any step below `root`. */
export async function writeFileNoFollow(root: string, path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<void> {
  await requireNoLinks(root, dirname(path));
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode);
  } catch (error) {
    if (errnoCode(error) === 'ELOOP') throw await plantedLink(root, path);
    throw error;
  }
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** The paths from the first folder below `root` down to `path` itself. */
function componentsBelow(root: string, path: string): string[] {
  const base = resolve(root);
  const target = resolve(path);
  if (!isInside(base, target)) {
    throw new CcxError('PATH_OUTSIDE_ROOT', `${target} is not inside ${base}.`, { hint: 'This is a bug in ccx: a path it builds should stay inside its root.' });
  }
  const rel = relative(base, target);
  if (rel === '') return [];
  const parts = rel.split(sep);
  return parts.map((_, index) => join(base, ...parts.slice(0, index + 1)));
}

async function plantedLink(root: string, link: string): Promise<CcxError> {
  const target = await readlink(link).catch(() => '?');
  return new CcxError('LINK_REFUSED', `${link} is a symbolic link (to ${target}) that ccx did not make; ccx does not follow links under ${root}, so it did not write, check out or delete anything there.`, {
    hint: `Something (an agent?) put it there: look at what it points to, remove the link (rm ${link}), and retry.`,
  });
}
