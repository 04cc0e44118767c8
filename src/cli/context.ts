import { access } from 'node:fs/promises';
import { readEnv, type CcxEnv } from '../config/env.js';
import { stateDirFor, statePaths, type StatePaths } from '../config/paths.js';
import { CcxError } from '../errors.js';
import { readConfigListing } from '../config/repo-key.js';
import { locateRepo } from '../git/repo.js';
import type { GitRepo } from '../git/run.js';
import type { CliIO } from './command.js';

/** The repository a command runs against and its STATE_DIR, resolved from the working directory. */
export interface RepoContext {
  env: CcxEnv;
  repo: GitRepo;
  paths: StatePaths;
}

/** `repoPath`: the repository when it is not the working directory's; `readOnly`: see openRepo. */
export interface ContextOptions {
  repoPath?: string;
  readOnly?: boolean;
}

export async function repoContext(io: CliIO, options: ContextOptions = {}): Promise<RepoContext> {
  const env = readEnv(io.env);
  const path = options.repoPath ?? io.cwd;
  // The config that names the STATE_DIR is read while git finds the repository; used only when
  // `path` is in the main checkout, where it is the repository's own.
  const listing = readConfigListing(path);
  listing.catch(() => undefined);
  const { repo, inMainCheckout } = await locateRepo(path, { readOnly: options.readOnly === true });
  const stateDir = await stateDirFor(repo, env, undefined, (notice) => io.stderr(`ccx: ${notice}\n`), inMainCheckout ? listing : undefined);
  return { env, repo, paths: statePaths(stateDir) };
}

/** Like repoContext, but fails with the fix when `ccx init` has not been run for this repository. */
export async function initialisedContext(io: CliIO, options: ContextOptions = {}): Promise<RepoContext> {
  const context = await repoContext(io, options);
  try {
    await access(context.paths.config);
  } catch {
    throw new CcxError('NOT_INITIALISED', `ccx is not set up for ${context.repo.root} (no ${context.paths.config}).`, {
      hint: 'Run `ccx init` in the repository first.',
    });
  }
  return context;
}
