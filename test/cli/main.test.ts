import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';

describe('ccx command line', () => {
  it('lists every command with --help and exits 0', async () => {
    const result = await runCli(['--help'], { cwd: await testdir() });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: ccx <command> [options]');
    expect(result.stdout).toContain('where');
  });

  // npx runs the built file itself through a link it may have made for an earlier checkout at this
  // path, so the build (not npm's linking) must leave it executable.
  it.skipIf(process.platform === 'win32')('runs as a program straight from the build, with no node in front', async () => {
    const { stdout } = await promisify(execFile)(CLI_PATH, ['--help'], { cwd: await testdir() });
    expect(stdout).toContain('Usage: ccx <command> [options]');
  });

  it('exits 2 with the fix on an unknown command', async () => {
    const result = await runCli(['frobnicate'], { cwd: await testdir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatchInlineSnapshot(`
      "ccx: unknown command "frobnicate".
        Run \`ccx --help\` for the list of commands.
      "
    `);
  });

  it('exits 2 on an unknown option and shows the usage', async () => {
    const result = await runCli(['where', '--bogus'], { cwd: await testdir() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatchInlineSnapshot(`
      "ccx where: Unknown option '--bogus'.
        Usage: ccx where
      "
    `);
  });

  it('guesses the command and the option a person mistyped', async () => {
    const dir = await testdir();
    const command = await runCli(['stauts'], { cwd: dir });
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toMatchInlineSnapshot(`
      "ccx: unknown command stauts: did you mean status?
        Run \`ccx --help\` for the list of commands.
      "
    `);
    const option = await runCli(['status', '--jsn'], { cwd: dir });
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toMatchInlineSnapshot(`
      "ccx status: unknown option --jsn: did you mean --json?
        Usage: ccx status [--json] [--watch [--interval S]]
      "
    `);
  });

  it('prints the STATE_DIR under CCX_DATA_HOME, named after the repository', async () => {
    const repo = await gitdir();
    const env = await isolatedEnv();
    const result = await runCli(['where'], { cwd: repo, env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(new RegExp(`^${escapeRegExp(join(env.CCX_DATA_HOME, 'ccx-git-'))}[a-z0-9]+-local-[0-9a-f]{7}$`));
  });

  it('refuses to run outside a git repository, saying what to do', async () => {
    const dir = await testdir();
    const result = await runCli(['where'], { cwd: dir, env: await isolatedEnv() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${dir} is not inside a git repository.`);
    expect(result.stderr).toContain('git init');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
