import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '../errors.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** mkdir -p; folders ccx creates are 0700 (SPEC 2). Existing folders keep their mode. */
export async function ensureDir(path: string, mode = PRIVATE_DIR_MODE): Promise<void> {
  const created = await mkdir(path, { recursive: true, mode });
  // mkdir's mode is filtered by the umask; set it exactly on what we created.
  if (created !== undefined) await chmod(path, mode);
}

/** A temp-file name in the same folder as `path`, so a rename stays on one file system. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.ccx-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `data` to a fresh temp file beside `path` and fsyncs it; returns the temp path. */
export async function writeTempFile(path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<string> {
  const temp = tempPathFor(path);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** Flushes a folder's entries (a rename is durable only once its folder is synced). */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (and some file systems) refuse fsync on a folder; the rename itself is done.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].includes(errnoCode(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/** temp file + fsync + rename + fsync of the folder: readers see the old or the new file, never a torn one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<void> {
  const temp = await writeTempFile(path, data, mode);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDir(dirname(path));
}

/**
 * Creates `path` with its whole content at once, only if it does not exist yet.
 * Returns false (and writes nothing) when the file is already there.
 */
export async function createFileExclusive(path: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<boolean> {
  const temp = await writeTempFile(path, data, mode);
  try {
    await link(temp, path);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await fsyncDir(dirname(path));
  return true;
}
