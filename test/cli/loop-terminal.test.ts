import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';
import { SCRIPTED_AGENT } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';
import { runInTerminal, TMUX_MISSING } from '../helpers/tmux.js';

/** An initialised repository whose config.yaml runs the scripted agent with `scenario` in both roles. */
async function initialised(scenario: object) {
  const repo = await gitdir({ 'README.md': '# test\n' });
  const env = await isolatedEnv({ NO_COLOR: undefined, FORCE_COLOR: undefined });
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const scenarioPath = join(await testdir(), 'scenario.json');
  await writeFile(scenarioPath, JSON.stringify(scenario));
  const agent = `{type: command, argv: ${JSON.stringify([process.execPath, SCRIPTED_AGENT, scenarioPath])}}`;
  await writeFile(join(init.stdout.trim(), 'config.yaml'), [`repo: ${JSON.stringify(repo)}`, 'integration: main', 'agents:', `  implementer: ${agent}`, `  reviewer: ${agent}`, ''].join('\n'));
  return { repo, env };
}

describe.skipIf(TMUX_MISSING)('ccx loop on a terminal', () => {
  it('puts the time on each progress line, ticks a status line for the running turn, and exits 130 on Ctrl-C', { timeout: 60_000 }, async () => {
    const { repo, env } = await initialised({ implementer: { action: 'hang' } });
    const terminal = await runInTerminal([process.execPath, CLI_PATH, 'loop', 'Hang'], { cwd: repo, env, width: 160 });
    // The status line's own elapsed time moved past 2 s: it is redrawn while nothing else prints.
    const ticking = await terminal.waitFor(/▸ \[cycle 1\/2\] implement: command \([^)]*node[^)]*\) · [2-9]\.\d s · total \d+\.\d s/);
    expect(ticking).toMatch(/^\d\d:\d\d:\d\d ccx loop L-1: "Hang", loop mode, 2 cycles/m);
    expect(ticking).toMatch(/^\d\d:\d\d:\d\d \[cycle 1\/2\] implement: command \([^)]*node[^)]*\) …$/m);
    // Redrawn in place: one status line on the screen, never one per tick.
    expect(ticking.match(/▸/g)).toHaveLength(1);
    expect(await terminal.screen({ escapes: true }), 'the clock is dim').toContain('\u001b[2m');
    await terminal.keys('C-c');
    expect(await terminal.exitCode()).toBe(130);
    const screen = await terminal.screen();
    expect(screen).toMatch(/^\d\d:\d\d:\d\d SIGINT: stopping the running turn and its processes; the branch is kept\.$/m);
    expect(screen).toMatch(/^L-1 cancelled after 1 cycle/m);
    expect(screen).not.toContain('▸');
  });

  it('a second Ctrl-C while the agent\'s processes are still stopping says what it waits for', { timeout: 60_000 }, async () => {
    // A grandchild that ignores TERM: the group is stopped only by the KILL that follows.
    const { repo, env } = await initialised({ implementer: { action: 'grandchild', wait: true } });
    const terminal = await runInTerminal([process.execPath, CLI_PATH, 'loop', 'Stubborn'], { cwd: repo, env, width: 160 });
    await terminal.waitFor(/▸ \[cycle 1\/2\] implement: command \([^)]*node[^)]*\) · [1-9]\.\d s/);
    await terminal.keys('C-c');
    await terminal.waitFor('SIGINT: stopping the running turn');
    await terminal.keys('C-c');
    await terminal.waitFor(/still stopping: the agent's processes get KILL within 5 s of the first Ctrl-C; then the report follows\./);
    expect(await terminal.exitCode()).toBe(130);
  });
});
