import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { processesOf, world, type World } from '../helpers/daemon.js';
import { runInTerminal, TMUX_MISSING } from '../helpers/tmux.js';

/** Agents run in process groups of their own: a test that ends early takes them along. */
function reapAgents(target: World): void {
  onTestFinished(async () => {
    for (const pid of await processesOf(target.paths.stateDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  });
}

const TERMINAL_ENV = { NO_COLOR: undefined, FORCE_COLOR: undefined, CCX_LOG_LEVEL: 'info' };

describe.skipIf(TMUX_MISSING)('ccx daemon on a terminal', () => {
  it('prints readable event lines, names the running task on Ctrl-C, stops at once on a second Ctrl-C, and exits 130', { timeout: 90_000 }, async () => {
    const target = await world({
      tasks: [{ id: 'T-1', title: 'quick one', scope: ['a/**'] }, { id: 'T-2', title: 'never ends', scope: ['b/**'] }],
      // T-1 merges, then T-2's implementer hangs: the stop has a running task to wait for.
      scenario: { implementer: { action: 'edit', times: 1, then: { action: 'hang' } } },
      parallel: 1,
      env: { CCX_SHUTDOWN_GRACE_MS: '20000' },
    });
    reapAgents(target);
    const terminal = await runInTerminal([process.execPath, CLI_PATH, 'daemon'], { cwd: target.repo, env: { ...target.env, ...TERMINAL_ENV } });
    const running = await terminal.waitFor(/T-2 a1 c1\s+turn\.started/, 60_000);
    expect(running).toMatch(/^\d\d:\d\d:\d\d\s+daemon\s+ccx daemon started {2}root=/m);
    expect(running).toMatch(/^\d\d:\d\d:\d\d {2}T-1 a1\s+task\.dispatched/m);
    expect(running).toMatch(/^\d\d:\d\d:\d\d {2}T-1 a1 c1\s+review\.verdict\s+approve/m);
    expect(running).toMatch(/^\d\d:\d\d:\d\d {2}T-1 a1\s+merge\.done/m);
    expect(running).not.toContain('{"level"');

    await terminal.keys('C-c');
    await terminal.waitFor('stopping: waiting up to 20 s for T-2 (Ctrl-C again to stop now)');
    await terminal.keys('C-c');
    // Well inside the 20 s grace: the second Ctrl-C did not wait for it.
    expect(await terminal.exitCode(15_000)).toBe(130);
    const screen = await terminal.screen();
    expect(screen).toMatch(/stopping now: stopping T-2; they resume from their last completed turn at the next start/);
    expect(screen).toMatch(/T-2\s+daemon\s+T-2 interrupted: it stays running on the board/);
    expect(screen).toMatch(/daemon\.stopped/);
    expect((await target.row('T-2'))?.status).toBe('running');
    expect((await target.row('T-1'))?.status).toBe('merged');
  });

  it('with no task running, Ctrl-C says so and exits 130; --log-format json keeps JSON on a terminal', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'a draft', status: 'draft' }] });
    reapAgents(target);
    const pretty = await runInTerminal([process.execPath, CLI_PATH, 'daemon'], { cwd: target.repo, env: { ...target.env, ...TERMINAL_ENV } });
    await pretty.waitFor('daemon.started');
    await pretty.keys('C-c');
    expect(await pretty.exitCode()).toBe(130);
    expect(await pretty.screen()).toContain('stopping: no task running');

    const json = await runInTerminal([process.execPath, CLI_PATH, 'daemon', '--log-format', 'json'], { cwd: target.repo, env: { ...target.env, ...TERMINAL_ENV } });
    await json.waitFor('ccx daemon started');
    await json.keys('C-c');
    expect(await json.exitCode()).toBe(130);
    // The terminal echoes ^C before the line that follows it.
    const lines = (await json.screen()).split('\n').filter((line) => line.includes('{"level"')).map((line) => line.slice(line.indexOf('{')));
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['ccx daemon started', 'stopping: no task running', 'ccx daemon stopped']);
  });
});

describe('ccx daemon off a terminal', () => {
  it('writes pino JSON, and under systemd prefixes each line with its journald priority', { timeout: 60_000 }, async () => {
    const idle = await world({ tasks: [{ id: 'T-1', title: 'a draft', status: 'draft' }] });
    const plain = await runCli(['daemon', '--once'], { cwd: idle.repo, env: { ...idle.env, CCX_LOG_LEVEL: 'info', INVOCATION_ID: '', JOURNAL_STREAM: '' } });
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stderr.trimEnd().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['ccx daemon started', 'nothing left that can run now (--once)', 'ccx daemon stopped']);

    const journald = await world({ tasks: [{ id: 'T-1', title: 'limited once' }], scenario: { implementer: { action: 'limit', retryAfter: '1', times: 1 } } });
    reapAgents(journald);
    const run = await runCli(['daemon', '--once'], { cwd: journald.repo, env: { ...journald.env, CCX_LOG_LEVEL: 'info', INVOCATION_ID: '0123456789abcdef' } });
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^<[3467]>\{"level":/);
    const byPriority = lines.map((line) => [line.slice(0, 3), (JSON.parse(line.slice(3)) as { msg: string }).msg]);
    expect(byPriority).toContainEqual(['<6>', 'ccx daemon started']);
    expect(byPriority).toContainEqual(['<4>', 'agent paused by a usage limit']);
  });
});
