import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BOARD_TEMPLATE } from '../board/template.js';
import { loadConfig, renderConfig } from '../config/config-file.js';
import type { CcxEnv } from '../config/env.js';
import { inboxPaths, stateDirFor, statePaths } from '../config/paths.js';
import { CcxError } from '../errors.js';
import { createFileExclusive, ensureDir } from '../fs/atomic-write.js';
import { currentBranch, hasCommits, requireBranch } from '../git/repo.js';
import type { GitRepo } from '../git/run.js';
import { excludeCcxFolder } from './exclude.js';
import { fileExists } from '../fs/exists.js';
import { resolveBoardTarget } from '../board/store/read.js';
import { recoverBoardFiles } from '../board/store/swap.js';

const BOARD_BUSY_RETRIES = 100;

export interface InitResult {
  stateDir: string;
  /** What was created, as sentences; empty when the repository was already set up. */
  created: string[];
  /** Things the person should know (an existing config that differs from what they asked). */
  notes: string[];
}

/** `ccx init`: STATE_DIR, BOARD.md, config.yaml, the inbox and its exclude line. Run again, it changes nothing. */
export async function initRepository(repo: GitRepo, env: Pick<CcxEnv, 'dataHome'>, requested: { integration?: string } = {}): Promise<InitResult> {
  if (!(await hasCommits(repo))) {
    throw new CcxError('GIT_NO_COMMITS', `${repo.root} has no commits yet, so there is no branch for tasks to start from.`, {
      hint: 'Make a first commit (git commit --allow-empty -m "Initial commit" will do), then run `ccx init` again.',
    });
  }
  const integration = requested.integration ?? (await currentBranch(repo));
  if (integration === null) {
    throw new CcxError('GIT_DETACHED', `HEAD is detached in ${repo.root}, so ccx cannot tell which branch merges should land on.`, {
      hint: 'Check out the branch you want (git switch main), or name it: ccx init --integration main.',
    });
  }
  await requireBranch(repo, integration);
  const notes: string[] = [];
  const paths = statePaths(await stateDirFor(repo, env, undefined, (notice) => notes.push(notice)));
  const created: string[] = [];
  for (const folder of [paths.stateDir, paths.tasks, paths.runs, paths.worktrees]) await ensureDir(folder);
  const board = await ensureBoard(paths.board);
  if (board !== null) created.push(board);
  const config = renderConfig({ repo: repo.root, integration, test: await detectTestCommand(repo.root) });
  if (await createFileExclusive(paths.config, config)) created.push(`wrote ${paths.config} (integration: ${integration})`);
  else {
    const existing = await loadConfig(paths.config).catch(() => null);
    if (requested.integration !== undefined && existing !== null && existing.integration !== requested.integration) {
      notes.push(`${paths.config} already sets integration: ${existing.integration}; ccx init left it as it is (edit the file to change it).`);
    }
  }
  const inbox = inboxPaths(repo.root);
  if (!(await fileExists(inbox.inbox))) {
    await ensureDir(inbox.inbox);
    created.push(`made the inbox ${inbox.inbox}`);
  }
  if (await excludeCcxFolder(repo.commonDir)) created.push(`added .ccx/ to ${join(repo.commonDir, 'info', 'exclude')}`);
  return { stateDir: paths.stateDir, created, notes };
}

/**
 * Writes the blank board only where there is none at all: a board that a killed ccx process left
 * set aside (`BOARD.md.ccx-aside-*`) is put back instead, and while a live ccx process has it aside
 * (mid-write) nothing is written over the gap. Returns what was done, or null when the board is there.
 */
async function ensureBoard(path: string): Promise<string | null> {
  for (let attempt = 0; attempt < BOARD_BUSY_RETRIES; attempt += 1) {
    const recovery = recoverBoardFiles(await resolveBoardTarget(path));
    if (recovery.restored) return `put back ${path}, which a stopped ccx process had left set aside`;
    if (!recovery.busy) return (await createFileExclusive(path, BOARD_TEMPLATE)) ? `wrote ${path}` : null;
    await new Promise((done) => setTimeout(done, 10));
  }
  throw new CcxError('BOARD_BUSY', `${path} is set aside by a ccx process that is writing it right now, so ccx init does not write a new one.`, {
    hint: 'Run `ccx init` again in a moment; the board comes back by itself.',
  });
}

/** `npm test` when the repository's package.json has a test script; the person can change it in config.yaml. */
async function detectTestCommand(root: string): Promise<string | null> {
  try {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    const script = manifest.scripts?.['test'];
    return typeof script === 'string' && !script.includes('no test specified') ? 'npm test' : null;
  } catch {
    return null;
  }
}

