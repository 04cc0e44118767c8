import { readFile } from 'node:fs/promises';
import { errnoCode } from '../errors.js';

export type StableRead =
  | { kind: 'ok'; bytes: Buffer }
  | { kind: 'missing' }
  /** Empty on every try: what a reader sees during an in-place save. */
  | { kind: 'empty' }
  | { kind: 'unreadable'; reason: string };

export const STABLE_READ_ATTEMPTS = 12;
export const STABLE_READ_DELAY_MS = 5;

/**
 * Reads a file a person may be saving right now, until two reads in a row agree and it is not
 * empty, so a half-written save is not taken for the file. A brief ENOENT (an editor's rename save)
 * is retried too.
 */
export async function readStable(path: string | Buffer, attempts = STABLE_READ_ATTEMPTS): Promise<StableRead> {
  let previous: Buffer | null = null;
  let last: StableRead = { kind: 'missing' };
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (attempt > 0) await sleep(STABLE_READ_DELAY_MS);
    const read = await readOnce(path);
    if (read.kind === 'unreadable') return read;
    last = read;
    if (read.kind !== 'ok') {
      previous = null;
      continue;
    }
    if (previous !== null && previous.equals(read.bytes)) return read;
    previous = read.bytes;
  }
  return last;
}

async function readOnce(path: string | Buffer): Promise<StableRead> {
  try {
    const bytes = await readFile(path);
    return bytes.toString('utf8').trim() === '' ? { kind: 'empty' } : { kind: 'ok', bytes };
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'EISDIR') return { kind: 'unreadable', reason: `${path} is a folder, not a file` };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'unreadable', reason: `${path} cannot be read (permission denied)` };
    return { kind: 'unreadable', reason: `${path} cannot be read (${code ?? String(error)})` };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
