import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir, runGit } from '../helpers/gitdir.js';
import { unprivilegedCli } from '../helpers/unprivileged.js';

async function initialised(files: Record<string, string> = { 'README.md': '# test\n' }) {
  const repo = await gitdir(files);
  const env = await isolatedEnv();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  return { repo, env, stateDir, board: join(stateDir, 'BOARD.md') };
}

const tasksBlock = (yaml: string) => `# Board\n\n## Direction\n\nGo.\n\n## Tasks\n\n\`\`\`yaml\n${yaml}\`\`\`\n`;

describe('ccx init', () => {
  it('creates the STATE_DIR (0700), BOARD.md and config.yaml (0600), the inbox and the exclude line; prints only the STATE_DIR', async () => {
    const repo = await gitdir({ 'package.json': '{"scripts":{"test":"vitest run"}}\n' });
    const env = await isolatedEnv();
    const result = await runCli(['init'], { cwd: repo, env });
    expect(result.exitCode).toBe(0);
    const stateDir = result.stdout.trim();
    expect(stateDir.startsWith(env.CCX_DATA_HOME)).toBe(true);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir, 'BOARD.md'))).mode & 0o777).toBe(0o600);
    const config = await readFile(join(stateDir, 'config.yaml'), 'utf8');
    expect(config).toContain(`repo: ${JSON.stringify(repo)}`);
    expect(config).toContain('integration: "main"');
    expect(config).toContain('test: "npm test"');
    expect(await readFile(join(repo, '.git', 'info', 'exclude'), 'utf8')).toContain('\n.ccx/\n');
    expect((await stat(join(repo, '.ccx', 'inbox'))).isDirectory()).toBe(true);
    expect(await runGit(repo, ['status', '--porcelain'])).toBe('');
    const board = await readFile(join(stateDir, 'BOARD.md'), 'utf8');
    expect(board).toContain('## Direction');
    expect(board).toContain('```yaml\n# - id: T-1\n');
  });

  it('run twice changes nothing and says so', async () => {
    const { repo, env, stateDir, board } = await initialised();
    const before = await readFile(board, 'utf8');
    const again = await runCli(['init', '--integration', 'main'], { cwd: repo, env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout.trim()).toBe(stateDir);
    expect(again.stderr).toContain('nothing changed');
    expect(await readFile(board, 'utf8')).toBe(before);
    expect((await readFile(join(repo, '.git', 'info', 'exclude'), 'utf8')).match(/^\.ccx\/$/gm)).toHaveLength(1);
  });

  it('refuses a repository with no commits, a detached HEAD and a missing branch, saying what to do', async () => {
    const env = await isolatedEnv();
    const empty = await gitdir({}, { noCommit: true });
    const noCommits = await runCli(['init'], { cwd: empty, env });
    expect([noCommits.exitCode, noCommits.stderr]).toEqual([1, expect.stringContaining('has no commits yet')]);
    const repo = await gitdir();
    await runGit(repo, ['checkout', '--quiet', '--detach']);
    const detached = await runCli(['init'], { cwd: repo, env });
    expect([detached.exitCode, detached.stderr]).toEqual([1, expect.stringContaining('ccx init --integration main')]);
    const missing = await runCli(['init', '--integration', 'trunk'], { cwd: repo, env });
    expect([missing.exitCode, missing.stderr]).toEqual([1, expect.stringContaining('the integration branch "trunk" does not exist')]);
  });
});

describe('ccx add and ccx tasks', () => {
  it('adds rows, prints ids that only ever go up, and lists them', async () => {
    const { repo, env, stateDir } = await initialised();
    const first = await runCli(['add', 'First task', '--scope', 'src/**', '--scope', 'docs/'], { cwd: repo, env });
    expect([first.exitCode, first.stdout]).toEqual([0, 'T-1\n']);
    expect((await runCli(['add', 'Second', '--draft'], { cwd: repo, env })).stdout).toBe('T-2\n');
    await rm(join(stateDir, 'tasks', 'T-2.md'));
    expect((await runCli(['add', 'Third'], { cwd: repo, env })).stdout).toBe('T-3\n');
    const listed = await runCli(['tasks'], { cwd: repo, env });
    expect(listed.stdout).toMatchInlineSnapshot(`
      "ID   STATUS   PRIORITY  TITLE
      T-1  pending  normal    First task
      T-2  draft    normal    Second
      T-3  pending  normal    Third
      "
    `);
    const drafts = JSON.parse((await runCli(['tasks', '--status', 'draft', '--json'], { cwd: repo, env })).stdout) as Array<Record<string, unknown>>;
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ id: 'T-2', status: 'draft', priority: 'normal', loops: 2, attempts: 0, problems: [] });
    expect(await readFile(join(stateDir, 'tasks', 'T-1.md'), 'utf8')).toContain('scope:\n  include:\n    - src/**\n    - docs/\n');
  });

  it('refuses a scope git rejects, and leaves the board as it was', async () => {
    const { repo, env, board } = await initialised();
    const before = await readFile(board, 'utf8');
    const result = await runCli(['add', 'Escape', '--scope', '../outside'], { cwd: repo, env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`git rejects --scope "../outside": ../outside: '../outside' is outside repository`);
    expect(await readFile(board, 'utf8')).toBe(before);
  });

  it('reports a row problem with its line:column and lists the other rows (exit 0)', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n  title: fine\n  status: pending\n- id: T-2\n  title: escapes\n  status: pending\n  scope: [../outside]\n'));
    const result = await runCli(['tasks'], { cwd: repo, env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('T-1  pending  normal    fine');
    expect(result.stdout).toContain('T-2  -        -         (skipped: see the problem below)');
    expect(result.stderr).toContain(`${board}:16:10: T-2: git rejects the scope pathspec "../outside": ../outside: '../outside' is outside repository at`);
    const json = JSON.parse((await runCli(['tasks', '--json'], { cwd: repo, env })).stdout) as Array<{ id: string; problems: Array<{ line: number; column: number }> }>;
    expect(json.map((row) => [row.id, row.problems.map((problem) => `${problem.line}:${problem.column}`)])).toEqual([['T-1', []], ['T-2', ['16:10']]]);
  });

  it('skips a row whose model_start is no rung of the model ladder, naming the rungs', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, tasksBlock('- id: T-1\n  title: fine\n  status: pending\n- id: T-2\n  title: odd rung\n  status: pending\n  model_start: turbo\n'));
    const result = await runCli(['tasks'], { cwd: repo, env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`${board}:13:3: T-2: model_start "turbo" is not a rung of the model ladder; the rungs are economy, default, strong, max.`);
  });

  const badBoards: Array<[string, string, string]> = [
    ['YAML that does not parse', tasksBlock('- id: T-1\n  title: "unclosed\n'), ':11:10: the Tasks YAML does not parse: Missing closing "quote'],
    ['no Tasks heading', '# Board\n\nNothing here.\n', ':1:1: BOARD.md has no `## Tasks` heading'],
    ['a block that is not a list', tasksBlock('id: T-1\n'), ':10:1: the Tasks block must be a YAML list'],
  ];
  it.each(badBoards)('on a board with %s: ccx tasks prints the problem and exits 1; nothing is rewritten', async (_name, text, expected) => {
    const { repo, env, board } = await initialised();
    await writeFile(board, text);
    const listed = await runCli(['tasks'], { cwd: repo, env });
    expect(listed.exitCode).toBe(1);
    expect(listed.stderr).toContain(`${board}${expected}`);
    const json = await runCli(['tasks', '--json'], { cwd: repo, env });
    expect(json.exitCode).toBe(1);
    expect((JSON.parse(json.stdout) as { problems: Array<{ level: string }> }).problems[0]?.level).toBe('file');
    const added = await runCli(['add', 'More work'], { cwd: repo, env });
    expect(added.exitCode).toBe(1);
    expect(added.stderr).toContain('ccx does not rewrite a board that does not parse');
    expect(await readFile(board, 'utf8')).toBe(text);
  });

  it('on an empty BOARD.md (an editor mid-save) says so and writes nothing', async () => {
    const { repo, env, board } = await initialised();
    await writeFile(board, '');
    const listed = await runCli(['tasks'], { cwd: repo, env });
    expect([listed.exitCode, listed.stderr]).toEqual([1, expect.stringContaining('BOARD.md is empty')]);
    const added = await runCli(['add', 'x'], { cwd: repo, env });
    expect(added.exitCode).toBe(1);
    expect(await readFile(board, 'utf8')).toBe('');
  });

  it('on a BOARD.md that is a folder says so', async () => {
    const { repo, env, board } = await initialised();
    await rm(board);
    await mkdir(board);
    const listed = await runCli(['tasks'], { cwd: repo, env });
    expect([listed.exitCode, listed.stderr]).toEqual([1, expect.stringContaining('BOARD.md is a folder, not a file')]);
  });

  it('on a BOARD.md it may not read says so', async (context) => {
    const { repo, env, board, stateDir } = await initialised();
    await chmod(board, 0o000);
    // root reads anything: run the command as an unprivileged user who can reach everything but the board.
    const asRoot = process.getuid?.() === 0;
    let command = [process.execPath, CLI_PATH, 'tasks'];
    if (asRoot) {
      for (const path of [env.CCX_DATA_HOME, stateDir, repo, join(repo, '.git')]) await chmod(path, 0o755);
      await runGit(repo, ['config', 'core.sharedRepository', 'world']);
      const cli = await unprivilegedCli();
      if (!cli.ok) {
        context.skip(`needs an unprivileged user to run the CLI: ${cli.reason}`);
        return;
      }
      onTestFinished(cli.cleanup);
      command = [...cli.argv, 'tasks'];
    }
    const { execFile } = await import('node:child_process');
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(command[0] as string, command.slice(1), { cwd: repo, env: { ...process.env, ...env, HOME: '/tmp', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' } }, (error, _stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stderr });
      });
    });
    expect(result.stderr).toContain(`${board} cannot be read (permission denied)`);
    expect(result.code).toBe(1);
  });
});
