import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from '../../errors.js';
import { fsyncDir } from '../../fs/atomic-write.js';
import { hashBoard } from '../parse/board.js';

export type SwapOutcome = 'swapped' | 'raced' | 'restored';

/**
 * Puts `candidate` in place of `target` only if `target` still holds `expectedHash`.
 *
 * A plain rename cannot tell whether a save landed between the last check and the rename. Here the
 * old file is first renamed aside (which captures whatever inode is current), then the candidate is
 * hard-linked in (which fails if a save created a new file meanwhile: their file wins). Then the file
 * set aside is compared with what was expected: if a person wrote into it in place, their inode goes
 * back (inode, not a copy, so a write still in flight lands too) and the caller redoes its edit.
 */
export async function swapIfUnchanged(target: string, candidate: string, expectedHash: string, candidateHash: string): Promise<SwapOutcome> {
  const aside = asidePath(target);
  if (!(await moveAside(target, aside))) return 'raced';
  if (!(await linkInto(candidate, target))) {
    await unlink(aside).catch(() => undefined);
    return 'raced';
  }
  const displaced = await readFile(aside);
  if (hashBoard(displaced) === expectedHash) {
    await unlink(aside);
    await fsyncDir(dirname(target));
    return 'swapped';
  }
  await putBack(target, aside, candidateHash);
  return 'restored';
}

/**
 * Puts the person's displaced file back in place of ours. If what we take away is not ours either,
 * it is a still newer save of theirs (it replaced ours after the swap), so that one goes back in turn.
 */
async function putBack(target: string, displaced: string, oursHash: string): Promise<void> {
  let returning = displaced;
  let expectedAtTarget = oursHash;
  for (;;) {
    const returningHash = hashBoard(await readFile(returning));
    const taken = asidePath(target);
    const moved = await moveAside(target, taken);
    const linked = await linkInto(returning, target);
    await unlink(returning).catch(() => undefined);
    if (!linked) {
      // A save created a new file meanwhile: it is the newest, so it stays.
      if (moved) await unlink(taken).catch(() => undefined);
      break;
    }
    if (!moved || hashBoard(await readFile(taken)) === expectedAtTarget) {
      if (moved) await unlink(taken).catch(() => undefined);
      break;
    }
    returning = taken;
    expectedAtTarget = returningHash;
  }
  await fsyncDir(dirname(target));
}

async function moveAside(target: string, aside: string): Promise<boolean> {
  try {
    await rename(target, aside);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

async function linkInto(source: string, target: string): Promise<boolean> {
  try {
    await link(source, target);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function asidePath(target: string): string {
  return `${target}.ccx-aside-${process.pid}-${randomBytes(4).toString('hex')}`;
}
