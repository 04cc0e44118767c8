import { rename } from 'node:fs/promises';
import { errnoCode } from '../errors.js';

/** Renames `from` to `to`; false (and nothing done) when `from` is already gone (another process took it). */
export async function renameIfPresent(from: string | Buffer, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}
