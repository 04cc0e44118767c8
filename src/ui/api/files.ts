import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { errnoCode } from '../../errors.js';
import { requireNoLinks } from '../../fs/no-follow.js';
import { isInside } from '../../fs/inside.js';

/** What one response carries of a file at most (artifact text, a brief, a handoff note). */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;

export interface BoundedText {
  text: string;
  /** The file's size in bytes; larger than the text when it was cut. */
  bytes: number;
  truncated: boolean;
}

/**
 * A file under `root` as text, at most `limit` bytes, or null when it does not exist. Never through a
 * symbolic link: an agent knows CCX_STATE_DIR and could plant one pointing anywhere.
 */
export async function readTextInside(root: string, path: string, limit = MAX_TEXT_BYTES): Promise<BoundedText | null> {
  if (!isInside(root, path)) return null;
  try {
    await requireNoLinks(root, path);
  } catch {
    return null;
  }
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (['ENOENT', 'ELOOP', 'EISDIR', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return null;
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return null;
    const buffer = Buffer.alloc(Math.min(stat.size, limit));
    const { bytesRead } = buffer.length === 0 ? { bytesRead: 0 } : await handle.read(buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), bytes: stat.size, truncated: stat.size > bytesRead };
  } finally {
    await handle.close();
  }
}

/** The plain files in a folder under `root` (none when it is missing or a link), sorted. */
export async function listFilesInside(root: string, folder: string): Promise<string[]> {
  if (!isInside(root, folder)) return [];
  try {
    await requireNoLinks(root, folder);
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}

/** The sub-folders of a folder under `root`, sorted (links are not folders here). */
export async function listFoldersInside(root: string, folder: string): Promise<string[]> {
  if (!isInside(root, folder)) return [];
  try {
    await requireNoLinks(root, folder);
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  } catch {
    return [];
  }
}
