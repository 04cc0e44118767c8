import { lstat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readStable, type StableRead } from '../../fs/stable-read.js';

export type BoardFileRead = StableRead;

/** BOARD.md read until two reads agree (see readStable): an empty read is transient, keep the last good board. */
export function readBoardStable(path: string): Promise<BoardFileRead> {
  return readStable(path);
}

/** Emacs keeps a `.#BOARD.md` link while the person has unsaved edits: ccx does not write then. */
export async function editorLockExists(path: string): Promise<boolean> {
  try {
    await lstat(join(dirname(path), `.#${basename(path)}`));
    return true;
  } catch {
    return false;
  }
}
