import { cp, readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';

/** ccx-loop-shaped files, written from its documented formats (board template, briefs, ladders, verdicts). */
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface LoopUser {
  repo: string;
  env: NodeJS.ProcessEnv & { CCX_DATA_HOME: string };
  stateDir: string;
  board: string;
}

/**
 * A repository initialised by ccx whose STATE_DIR then holds a ccx-loop user's files, copied as
 * they are: fixtures/state (BOARD.md and tasks/), plus any extra files (relative to fixtures/).
 */
export async function loopUser(options: { files?: Record<string, string>; extra?: Record<string, string>; env?: NodeJS.ProcessEnv } = {}): Promise<LoopUser> {
  const repo = await gitdir({ 'README.md': '# test\n', ...options.files });
  const env = await isolatedEnv(options.env);
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  await cp(join(FIXTURES, 'state'), stateDir, { recursive: true });
  for (const [to, from] of Object.entries(options.extra ?? {})) await cp(join(FIXTURES, from), join(stateDir, to));
  return { repo, env, stateDir, board: join(stateDir, 'BOARD.md') };
}

/** Every file under `root` with its bytes and mtime: what "wrote nothing" is checked against. */
export async function snapshot(root: string, skip: (path: string) => boolean = () => false): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(root, path);
      if (skip(name)) continue;
      if (entry.isDirectory()) await walk(path);
      else files.set(name, `${(await stat(path)).mtimeMs} ${(await readFile(path)).toString('base64')}`);
    }
  };
  await walk(root);
  return files;
}
