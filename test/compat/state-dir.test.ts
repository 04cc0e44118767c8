import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { legacyRepoKey } from '../../src/config/repo-key.js';
import { runCli } from '../helpers/cli.js';
import { initRepo, runGit, TEST_GIT_ENV } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';
import { FIXTURES } from './loop-state.js';

const execFileAsync = promisify(execFile);

/** A repository in a folder called `name` (case kept), and an environment with XDG_DATA_HOME, no CCX_DATA_HOME. */
async function repoNamed(name: string) {
  const parent = await testdir();
  const repo = join(parent, name);
  await mkdir(repo);
  await initRepo(repo, { 'README.md': '# test\n' });
  const xdg = join(parent, 'xdg');
  const env = { ...process.env, ...TEST_GIT_ENV, CCX_DATA_HOME: '', XDG_DATA_HOME: xdg, HOME: parent, CCX_LOG_LEVEL: 'warn' };
  return { repo, env, xdg };
}

async function ccxLoopWhere(repo: string, env: NodeJS.ProcessEnv): Promise<string> {
  return (await execFileAsync(join(FIXTURES, 'ccx-loop-where.sh'), [], { cwd: repo, env })).stdout.trim();
}

async function ccxWhere(repo: string, env: NodeJS.ProcessEnv): Promise<string> {
  const where = await runCli(['where'], { cwd: repo, env });
  expect(where.exitCode, where.stderr).toBe(0);
  return where.stdout.trim();
}

describe('the same STATE_DIR as ccx-loop', () => {
  it('names it as ccx-loop does: lowercased basename and the origin URL, a non-origin remote, no remote, ccx.link', async () => {
    const { repo, env, xdg } = await repoNamed('My.Project');
    const local = await ccxWhere(repo, env);
    expect(local).toMatch(new RegExp(`^${xdg}/ccx/my\\.project-local-[0-9a-f]{7}$`));
    expect(local).toBe(await ccxLoopWhere(repo, env));

    await runGit(repo, ['remote', 'add', 'zeta', 'https://example.com/zeta/project.git']);
    await runGit(repo, ['remote', 'add', 'upstream', 'git@example.com:acme/Project.git']);
    const firstRemote = await ccxWhere(repo, env);
    expect(firstRemote).toBe(`${xdg}/ccx/my.project-${(await execFileAsync('sh', ['-c', "printf %s 'git@example.com:acme/Project.git' | sha256sum | cut -c1-7"])).stdout.trim()}`);
    expect(firstRemote).toBe(await ccxLoopWhere(repo, env));

    await runGit(repo, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
    const origin = await ccxWhere(repo, env);
    expect(origin).toBe(await ccxLoopWhere(repo, env));
    expect(origin).not.toBe(firstRemote);

    await runGit(repo, ['config', '--local', 'ccx.link', 'widgets']);
    expect(await ccxWhere(repo, env)).toBe(`${xdg}/ccx/widgets`);
    expect(await ccxLoopWhere(repo, env)).toBe(`${xdg}/ccx/widgets`);
  });

  it("finds a ccx-loop user's STATE_DIR with no flags: ccx tasks reads the board ccx-loop left there", async () => {
    const { repo, env } = await repoNamed('Widgets');
    await runGit(repo, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
    const stateDir = await ccxLoopWhere(repo, env);
    await mkdir(join(stateDir, 'tasks'), { recursive: true });
    await writeFile(join(stateDir, 'BOARD.md'), await readFile(join(FIXTURES, 'state', 'BOARD.md')));
    const init = await runCli(['init'], { cwd: repo, env });
    expect([init.exitCode, init.stdout.trim()]).toEqual([0, stateDir]);
    expect(await readFile(join(stateDir, 'BOARD.md'))).toEqual(await readFile(join(FIXTURES, 'state', 'BOARD.md')));
    const listed = await runCli(['tasks', '--json'], { cwd: repo, env });
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((row) => row.id)).toEqual(['T-1', 'T-2', 'T-3']);
  });

  it('moves a STATE_DIR under the older ccx key once, with a message, and loses nothing', async () => {
    const { repo, env, xdg } = await repoNamed('Widgets');
    await runGit(repo, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
    const stateDir = await ccxLoopWhere(repo, env);
    const init = await runCli(['init'], { cwd: repo, env });
    expect(init.stdout.trim()).toBe(stateDir);
    await runCli(['add', 'Something to keep'], { cwd: repo, env });
    const legacy = join(xdg, 'ccx', legacyRepoKey(repo, 'https://github.com/acme/widgets.git'));
    expect(legacy).not.toBe(stateDir);
    await rename(stateDir, legacy);
    const before = await readdir(legacy, { recursive: true });

    const first = await runCli(['tasks'], { cwd: repo, env });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toBe(`ccx: moved ${legacy} to ${stateDir}: ccx now names STATE_DIRs as ccx-loop does (nothing in it changed).\n`);
    expect(first.stdout).toContain('T-1  pending  normal    Something to keep');
    // ccx tasks may leave its row cache (.board-rows.json, only for rows yaml had to read) beside what was moved.
    expect((await readdir(stateDir, { recursive: true })).filter((name) => !before.includes(name) && name !== '.board-rows.json')).toEqual([]);
    expect(before).toEqual(expect.arrayContaining(['BOARD.md', 'config.yaml', 'tasks/T-1.md']));
    expect(await readdir(join(xdg, 'ccx'))).toEqual([stateDir.split('/').at(-1)]);
    const second = await runCli(['tasks'], { cwd: repo, env });
    expect(second.stderr).toBe('');
  });

  it('leaves an older STATE_DIR where it is, and uses it, while a task has a worktree in it', async () => {
    const { repo, env, xdg } = await repoNamed('Widgets');
    const stateDir = (await runCli(['init'], { cwd: repo, env })).stdout.trim();
    const legacy = join(xdg, 'ccx', legacyRepoKey(repo, null));
    await rename(stateDir, legacy);
    await mkdir(join(legacy, 'worktrees', 'T-4'));
    const where = await runCli(['where'], { cwd: repo, env });
    expect(where.stdout.trim()).toBe(legacy);
    expect(where.stderr).toBe(`ccx: ${legacy} is this repository's STATE_DIR under ccx's older key; it moves to ${stateDir} once no task has a worktree in it (now: T-4). Finish or \`ccx clean\` those tasks, with the daemon stopped.\n`);
  });
});
