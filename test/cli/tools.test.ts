import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir, makeTempDir, removeDir } from '../helpers/gitdir.js';

const run = promisify(execFile);

async function initialised() {
  const repo = await gitdir();
  const env = await isolatedEnv({ TZ: 'UTC', NO_COLOR: '1' });
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  return { repo, env, stateDir: init.stdout.trim() };
}

describe('ccx logs --json', () => {
  it('prints the records as JSON Lines, filtered like the pretty view, and skips lines that do not parse', async () => {
    const { repo, env, stateDir } = await initialised();
    const records = [
      { time: '2025-03-10T08:00:00.000Z', event: 'task.dispatched', repo: '/r', task: 'T-1', attempt: 1, branch: 'ccx/T-1' },
      { time: '2025-03-10T08:06:00.000Z', event: 'merge.done', repo: '/r', task: 'T-2', attempt: 1, sha: 'f'.repeat(40) },
    ];
    const lines = records.map((record) => JSON.stringify(record));
    await writeFile(join(stateDir, 'audit.jsonl'), `${lines[0]}\n{"torn\n${lines[1]}\n`);
    const all = await runCli(['logs', '--json'], { cwd: repo, env });
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toBe(`${lines[0]}\n${lines[1]}\n`);
    expect(all.stderr).toBe('1 line of the audit log did not parse and was skipped.\n');
    expect((await runCli(['logs', '--json', '--task', 'T-2'], { cwd: repo, env })).stdout).toBe(`${lines[1]}\n`);
  });
});

describe('ccx completion', () => {
  it('bash: loads, registers ccx, completes `ccx st` to status and a command\'s flags', async () => {
    const dir = await makeTempDir('ccx-completion-');
    try {
      const result = await runCli(['completion', 'bash'], { cwd: dir });
      expect(result.exitCode, result.stderr).toBe(0);
      const script = join(dir, 'ccx.bash');
      await writeFile(script, result.stdout);
      const complete = (words: string[]) => `COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _ccx; echo "\${COMPREPLY[*]}"`;
      const { stdout } = await run('bash', ['--norc', '--noprofile', '-c', [`source ${JSON.stringify(script)}`, 'complete -p ccx', complete(['ccx', 'st']), complete(['ccx', 'tasks', '--a']), complete(['ccx', 'help', 'arc']), complete(['ccx', 'completion', 'f'])].join('\n')]);
      expect(stdout.split('\n')).toEqual(['complete -F _ccx ccx', 'status', '--all', 'archive', 'fish', '']);
    } finally {
      await removeDir(dir);
    }
  });

  it('zsh and fish: every command is in the script; an unknown shell is a usage error', async () => {
    const dir = await makeTempDir('ccx-completion-');
    try {
      const zsh = await runCli(['completion', 'zsh'], { cwd: dir });
      expect(zsh.stdout).toMatch(/^#compdef ccx\n/);
      expect(zsh.stdout).toContain("'archive:Move merged and cancelled rows");
      const fish = await runCli(['completion', 'fish'], { cwd: dir });
      expect(fish.stdout).toContain("complete -c ccx -n '__fish_seen_subcommand_from logs' -l json");
      const wrong = await runCli(['completion', 'tcsh'], { cwd: dir });
      expect(wrong.exitCode).toBe(2);
      expect(wrong.stderr).toBe('ccx completion: completion scripts are for bash, zsh, fish, not "tcsh".\n  Usage: ccx completion bash|zsh|fish\n');
    } finally {
      await removeDir(dir);
    }
  });
});

describe('ccx help <command>', () => {
  it('shows that command\'s help, and says so for an unknown one', async () => {
    const dir = await makeTempDir('ccx-help-');
    try {
      const help = await runCli(['help', 'archive'], { cwd: dir });
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toBe((await runCli(['archive', '--help'], { cwd: dir })).stdout);
      expect(help.stdout).toMatch(/^Usage: ccx archive \[--older-than D\]\n/);
      const unknown = await runCli(['help', 'nosuch'], { cwd: dir });
      expect(unknown.exitCode).toBe(2);
      expect(unknown.stderr).toContain('unknown command "nosuch"');
      expect((await runCli(['--help'], { cwd: dir })).stdout).toContain('`ccx --version`');
    } finally {
      await removeDir(dir);
    }
  });
});

describe('ccx add with row fields', () => {
  it('writes --notes, --priority, --depends-on, --mode and --loops into the row and the brief', async () => {
    const { repo, env, stateDir } = await initialised();
    expect((await runCli(['add', 'First'], { cwd: repo, env })).stdout).toBe('T-1\n');
    expect((await runCli(['add', 'Second'], { cwd: repo, env })).stdout).toBe('T-2\n');
    const added = await runCli(['add', 'Third', '--notes', 'Use the new parser.\nKeep the old flag.', '--priority', 'high', '--depends-on', 'T-1,T-2', '--mode', 'duet', '--loops', '3'], { cwd: repo, env });
    expect(added.exitCode, added.stderr).toBe(0);
    expect(added.stdout).toBe('T-3\n');
    const listed = JSON.parse((await runCli(['tasks', '--json'], { cwd: repo, env })).stdout) as Array<Record<string, unknown>>;
    const row = listed.find((candidate) => candidate['id'] === 'T-3');
    expect(row).toMatchObject({ priority: 'high', depends_on: ['T-1', 'T-2'], mode: 'duet', loops: 3, notes: 'Use the new parser.\nKeep the old flag.\n', problems: [] });
    expect(await readFile(join(stateDir, 'tasks', 'T-3.md'), 'utf8')).toContain('Keep the old flag.');
  });

  it('refuses a bad value before writing anything', async () => {
    const { repo, env, stateDir } = await initialised();
    const before = await readFile(join(stateDir, 'BOARD.md'), 'utf8');
    const cases: Array<[string[], string]> = [
      [['--priority', 'urgent'], 'ccx add: --priority must be one of high, normal, low, but it is "urgent".\n'],
      [['--mode', 'loops'], 'ccx add: --mode must be one of loop, forever, duet, conductor, but it is "loops".\n'],
      [['--loops', '0'], 'ccx add: --loops must be a whole number from 1 to 100, but it is "0".\n'],
      [['--depends-on', 'seven'], 'ccx add: --depends-on "seven" is not a task id such as T-7.\n'],
      [['--depends-on', 'T-9'], 'ccx add: --depends-on T-9: no such task on the board.\n  Name tasks that are on BOARD.md (`ccx tasks` lists them).\n'],
    ];
    for (const [flags, message] of cases) {
      const result = await runCli(['add', 'Task', ...flags], { cwd: repo, env });
      expect([result.exitCode, result.stderr]).toEqual([2, message]);
    }
    expect(await readFile(join(stateDir, 'BOARD.md'), 'utf8')).toBe(before);
  });
});
