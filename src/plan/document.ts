import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { errnoCode, UsageError } from '../errors.js';
import { isInside } from '../fs/inside.js';
import type { PlanWork } from './types.js';

/** The largest prompt or design document ccx plan sends: past it, plan part of the work. */
export const MAX_WORK_BYTES = 256 * 1024;

/** The prompt given on the command line, checked. */
export function promptWork(text: string): PlanWork {
  if (text.trim() === '') throw new UsageError('the prompt is empty.', { hint: 'Say what to build: ccx plan "Add a --json flag to every list command", or ccx plan --from docs/design.md' });
  if (Buffer.byteLength(text) > MAX_WORK_BYTES) throw tooBig('the prompt', Buffer.byteLength(text));
  return { kind: 'prompt', text };
}

/**
 * `--from <path>`: a text file inside the repository, relative to its root (an absolute path must
 * lie inside it too). A path that leads outside, also through a symbolic link, is refused.
 */
export async function documentWork(repoRoot: string, path: string): Promise<PlanWork> {
  const root = await realpath(repoRoot);
  const wanted = isAbsolute(path) ? resolve(path) : resolve(root, path);
  if (!isInside(root, wanted) && !isInside(repoRoot, wanted)) throw outside(path, root);
  let real: string;
  try {
    real = await realpath(wanted);
  } catch (error) {
    throw new UsageError(`--from ${JSON.stringify(path)}: ${wanted} ${errnoCode(error) === 'ENOENT' ? 'does not exist' : `cannot be read (${errnoCode(error) ?? String(error)})`}.`, {
      hint: 'The path is relative to the repository root, not to the current folder.',
    });
  }
  if (!isInside(root, real)) throw outside(path, root);
  const info = await stat(real);
  if (!info.isFile()) throw new UsageError(`--from ${JSON.stringify(path)} is not a file.`, { hint: 'Point --from at a text file such as docs/design.md.' });
  if (info.size > MAX_WORK_BYTES) throw tooBig(`--from ${JSON.stringify(path)}`, info.size);
  const text = await readFile(real, 'utf8');
  if (text.includes('\0')) throw new UsageError(`--from ${JSON.stringify(path)} is not a text file (it holds NUL bytes).`, { hint: 'Point --from at a Markdown or plain-text design document.' });
  if (text.trim() === '') throw new UsageError(`--from ${JSON.stringify(path)} is empty.`, { hint: 'Write the design document first, or pass the work as the prompt.' });
  return { kind: 'document', path: relative(root, real), text };
}

function outside(path: string, root: string): UsageError {
  return new UsageError(`--from ${JSON.stringify(path)} leads outside the repository ${root}.`, {
    hint: 'ccx plan reads documents inside the repository only: copy the file into it, or pass its text as the prompt.',
  });
}

function tooBig(what: string, bytes: number): UsageError {
  return new UsageError(`${what} has ${Math.ceil(bytes / 1024)} KiB; ccx plan takes at most ${MAX_WORK_BYTES / 1024} KiB.`, {
    hint: 'Plan one part of the work at a time (ccx plan --append adds to the board).',
  });
}
