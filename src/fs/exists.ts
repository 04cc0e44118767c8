import { access } from 'node:fs/promises';

/** True when `path` exists (a dangling symlink does not). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
