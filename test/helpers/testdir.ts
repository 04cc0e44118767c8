import { mkdtemp, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/** Writes `files` (relative path → content) under `root`, creating folders as needed. */
export async function writeFiles(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const path = join(root, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
}

/** A fresh temp folder (real path, no symlinks) holding `files`; removed when the test finishes. */
export async function testdir(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await makeTempDir();
  onTestFinished(() => removeDir(dir));
  await writeFiles(dir, files);
  return dir;
}

/** A temp folder the caller removes with removeDir (for beforeAll/afterAll fixtures). */
export async function makeTempDir(prefix = 'ccx-test-'): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), prefix)));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
}
