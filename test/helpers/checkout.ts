import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runGit } from './gitdir.js';

/** What a person has in their checkout: `git status --porcelain` and the bytes of every dirty file. */
export interface CheckoutSnapshot {
  status: string[];
  contents: Map<string, Buffer | null>;
}

export async function snapshotCheckout(dir: string): Promise<CheckoutSnapshot> {
  const raw = await runGit(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignored']);
  const status = raw.split('\0').filter((entry) => entry !== '');
  const contents = new Map<string, Buffer | null>();
  for (const entry of status) {
    const path = entry.slice(3);
    contents.set(path, await readFile(join(dir, path)).catch(() => null));
  }
  return { status, contents };
}

/**
 * Asserts the person's checkout is exactly as before (status lines and dirty-file bytes), apart
 * from the paths a fast-forward brought in.
 */
export async function expectCheckoutKept(dir: string, before: CheckoutSnapshot, broughtIn: readonly string[] = []): Promise<void> {
  const after = await snapshotCheckout(dir);
  const keep = (entry: string): boolean => !broughtIn.includes(entry.slice(3));
  expect(after.status.filter(keep)).toEqual(before.status.filter(keep));
  for (const [path, content] of before.contents) {
    if (broughtIn.includes(path)) continue;
    expect(after.contents.get(path), `content of ${path}`).toEqual(content);
  }
}

/** `git fsck` finds nothing wrong (dangling objects from a discarded attempt are not wrong). */
export async function expectFsckClean(dir: string): Promise<void> {
  const output = await runGit(dir, ['fsck', '--no-progress', '--no-dangling', '--strict']);
  expect(output).toBe('');
}
