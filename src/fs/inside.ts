import { isAbsolute, relative, resolve, sep } from 'node:path';
import { CcxError } from '../errors.js';

/** True when `path` is `root` itself or lies below it (no `..` escape, no other drive). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Joins `parts` under `root` and refuses a result that escapes it (SPEC 13). */
export function resolveInside(root: string, ...parts: string[]): string {
  const path = resolve(root, ...parts);
  if (!isInside(root, path)) {
    throw new CcxError('PATH_OUTSIDE_ROOT', `the path ${JSON.stringify(parts.join('/'))} leads outside ${root}.`, {
      hint: 'Use a plain name without `..` or a leading `/`.',
    });
  }
  return path;
}
