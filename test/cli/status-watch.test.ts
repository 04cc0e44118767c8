import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';
import { runInTerminal, TMUX_MISSING } from '../helpers/tmux.js';

async function initialised() {
  const repo = await gitdir({ 'README.md': '# test\n' });
  const env = await isolatedEnv({ NO_COLOR: undefined, FORCE_COLOR: undefined });
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  expect((await runCli(['add', 'First task'], { cwd: repo, env })).exitCode).toBe(0);
  return { repo, env };
}

describe('ccx status --watch', () => {
  it.skipIf(TMUX_MISSING)('on a terminal redraws the status in place until Ctrl-C, which exits 130', { timeout: 60_000 }, async () => {
    const { repo, env } = await initialised();
    const terminal = await runInTerminal([process.execPath, CLI_PATH, 'status', '--watch', '--interval', '0.5'], { cwd: repo, env });
    await terminal.waitFor('First task');
    expect((await runCli(['add', '--draft', 'Second task'], { cwd: repo, env })).exitCode).toBe(0);
    await terminal.waitFor('Second task');
    const visible = await terminal.screen({ visible: true });
    expect(visible).toMatch(/^Every 0\.5 s: ccx status, at \d\d:\d\d:\d\d \(Ctrl-C to stop\)$/m);
    expect(visible.match(/Every 0\.5 s/g), 'one frame on the screen: each redraw clears the last').toHaveLength(1);
    expect(visible.match(/First task/g)).toHaveLength(1);
    expect(await terminal.screen({ escapes: true, visible: true }), 'a draft is dim').toContain('\u001b[2mdraft');
    await terminal.keys('C-c');
    expect(await terminal.exitCode()).toBe(130);
  });

  it('off a terminal prints frames after a separator line; with --json one object a line; Ctrl-C exits 130', { timeout: 60_000 }, async () => {
    const { repo, env } = await initialised();
    for (const json of [false, true]) {
      const child = spawn(process.execPath, [CLI_PATH, 'status', '--watch', '--interval', '0.2', ...(json ? ['--json'] : [])], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      onTestFinished(() => void (child.exitCode === null && child.kill('SIGKILL')));
      let stdout = '';
      const frames = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if ((json ? stdout.split('\n').length : stdout.split('Every 0.2 s').length) > 3) resolve();
        });
      });
      await frames;
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(130);
      if (json) {
        const objects = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { repos: Array<{ tasks: Array<{ title: string }> }> });
        expect(objects[0]?.repos[0]?.tasks.map((task) => task.title)).toEqual(['First task']);
      } else {
        expect(stdout).not.toContain('\u001b');
        expect(stdout.split(`\n${'─'.repeat(40)}\nEvery 0.2 s: ccx status`).length).toBeGreaterThanOrEqual(3);
        expect(stdout).toMatch(/^Every 0\.2 s: ccx status, at \d\d:\d\d:\d\d \(Ctrl-C to stop\)\n\nThe daemon is not running/);
      }
    }
  });

  it('refuses an interval that is not a number of seconds', async () => {
    const { repo, env } = await initialised();
    const alone = await runCli(['status', '--interval', '2'], { cwd: repo, env });
    expect([alone.exitCode, alone.stderr]).toEqual([2, 'ccx status: --interval sets the pace of --watch, which is not given.\n  Run `ccx status --watch --interval S`.\n']);
    const run = await runCli(['status', '--watch', '--interval', 'soon'], { cwd: repo, env });
    expect([run.exitCode, run.stderr]).toMatchInlineSnapshot(`
      [
        2,
        "ccx status: --interval must be a number of seconds, 0.1 or more, but it is "soon".
        For example: ccx status --watch --interval 5
      ",
      ]
    `);
  });
});
