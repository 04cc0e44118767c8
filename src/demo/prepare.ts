import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CcxEnv } from '../config/env.js';
import { statePaths, type StatePaths } from '../config/paths.js';
import { openRepo } from '../git/repo.js';
import { initRepository } from '../setup/init-repo.js';

const run = promisify(execFile);

/** examples/ of the installed package (dist/demo/ → ../../examples). */
export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
export const DEMO_PARALLEL = 2;

export interface DemoSetup {
  root: string;
  repo: string;
  paths: StatePaths;
  env: CcxEnv;
}

/**
 * The demo's world, all in one temp folder: a copy of examples/demo/repo as a fresh git repository,
 * its own data root (so it never touches the person's own, or a daemon they run), `ccx init`, a
 * config.yaml whose agents are the scripted agents of examples/agents, and the demo board and briefs.
 */
export async function prepareDemo(baseEnv: CcxEnv): Promise<DemoSetup> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-demo-')));
  const repo = join(root, 'textstats');
  await cp(join(EXAMPLES, 'demo', 'repo'), repo, { recursive: true });
  const git = (...args: string[]) => run('git', ['-C', repo, ...args]);
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', 'user.name', 'ccx demo');
  await git('config', 'user.email', 'demo@ccx.invalid');
  await git('config', 'commit.gpgsign', 'false');
  await git('add', '--all');
  await git('commit', '--quiet', '-m', 'textstats: count words and lines');
  const env: CcxEnv = { ...baseEnv, dataHome: join(root, 'data'), maxWorkers: 3 };
  const init = await initRepository(await openRepo(repo), env);
  const paths = statePaths(init.stateDir);
  const agent = `[${JSON.stringify(process.execPath)}, ${JSON.stringify(join(EXAMPLES, 'agents', 'scripted-agent.mjs'))}]`;
  await writeFile(paths.config, [
    '# The ccx demo: scripted agents (examples/agents) that really edit files and really review them.',
    `repo: ${JSON.stringify(repo)}`,
    'integration: main',
    `parallel: ${DEMO_PARALLEL}`,
    'test: npm test',
    'max_attempts: 2',
    'agents:',
    `  implementer: {type: command, argv: ${agent}}`,
    `  reviewer: {type: command, argv: ${agent}}`,
    '',
  ].join('\n'), { mode: 0o600 });
  await cp(join(EXAMPLES, 'demo', 'BOARD.md'), paths.board);
  for (const brief of await readdir(join(EXAMPLES, 'demo', 'tasks'))) await cp(join(EXAMPLES, 'demo', 'tasks', brief), join(paths.tasks, brief));
  return { root, repo, paths, env };
}
