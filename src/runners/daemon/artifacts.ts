import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { ArtifactFile } from '../protocol.js';

/**
 * A runner's prompts, outputs, verdicts and test logs, written under STATE_DIR/runs/T-<n>/ (0700
 * folders, 0600 files) exactly where a local attempt writes them. A name that would leave that
 * folder (absolute, `..`) or name the journal is dropped: runners do not write ccx's own files.
 */
export async function writeArtifacts(taskRuns: string, files: readonly ArtifactFile[]): Promise<void> {
  for (const file of files) {
    const name = normalize(file.name);
    if (isAbsolute(name) || name.split(sep).includes('..') || name === 'journal.jsonl' || name.startsWith(`journal.jsonl${sep}`)) continue;
    const path = join(taskRuns, name);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, Buffer.from(file.data, 'base64'), { mode: 0o600 });
  }
}
