import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isAlive } from '../../src/daemon/lock/process-check.js';
import { renderSystemdUnit, serviceSpec, type ServiceHost } from '../../src/service/index.js';
import { execStartWords } from '../../src/service/installed-paths.js';
import { CLI_PATH } from '../helpers/cli.js';
import { processesOf, processesWithEnv, waitFor, world, type DaemonProcess } from '../helpers/daemon.js';
import { testdir } from '../helpers/testdir.js';

/** The unit's `Environment="NAME=value"` lines, unquoted and with `%%` undone (what systemd passes). */
function unitEnvironment(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of unit.matchAll(/^Environment="((?:[^"\\]|\\.)*)"$/gm)) {
    const assignment = (match[1] ?? '').replace(/\\(.)/g, '$1').replace(/%%/g, '%');
    const equals = assignment.indexOf('=');
    env[assignment.slice(0, equals)] = assignment.slice(equals + 1);
  }
  return env;
}

function unitSetting(unit: string, name: string): string {
  const value = new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];
  if (value === undefined) throw new Error(`the unit has no ${name}=`);
  return value;
}

describe('the systemd unit, run', { skip: process.platform !== 'linux' }, () => {
  it('a daemon started the way the unit starts it stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
    // A repository with a task whose agent hangs: the stop has to end a turn that would never finish.
    const target = await world({ tasks: [{ id: 'T-1', title: 'hangs' }], scenario: { implementer: { action: 'hang' } } });
    const home = join(await testdir(), 'home');
    await mkdir(home);
    const host: ServiceHost = {
      platform: 'linux',
      home,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, CCX_DATA_HOME: target.env.CCX_DATA_HOME },
      uid: process.getuid?.() ?? 0,
      user: 'pat',
      // What `ccx service install` fills in: this node, and the built CLI (src/ has no bin.js to run).
      nodePath: process.execPath,
      cliPath: CLI_PATH,
    };
    const unit = await renderSystemdUnit(serviceSpec(host));
    const [program, ...args] = execStartWords(unit);
    expect([program, ...args]).toEqual([process.execPath, CLI_PATH, 'daemon']);
    const environment = unitEnvironment(unit);
    expect(Object.keys(environment)).toEqual(['PATH', 'CCX_DATA_HOME']);
    expect(unitSetting(unit, 'WorkingDirectory')).toBe('%h');
    expect(unitSetting(unit, 'KillMode')).toBe('mixed');
    const timeoutStopMs = Number(unitSetting(unit, 'TimeoutStopSec')) * 1000;

    // systemd's user manager adds HOME; nothing else of this test's environment gets through.
    const daemon = spawn(program ?? '', args, { cwd: home, env: { ...environment, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    daemon.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    daemon.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => daemon.on('exit', (code, signal) => resolve({ code, signal })));
    onTestFinished(() => {
      if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
    });
    const pid = daemon.pid ?? 0;
    const running: DaemonProcess = { child: daemon, output: () => output, exited: async () => (await exited).code };
    await waitFor('the daemon to start', async () => (await target.auditEvents()).some((event) => event['event'] === 'daemon.started' && event['pid'] === pid), 30_000, running);
    await waitFor('the agent to run', async () => (await processesOf(target.paths.stateDir)).length > 0, 30_000, running);

    // KillMode=mixed: SIGTERM goes to the daemon alone; systemd kills what is left after TimeoutStopSec.
    const stopping = Date.now();
    daemon.kill('SIGTERM');
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutStopMs).unref());
    const result = await Promise.race([exited, deadline]);
    const tookMs = Date.now() - stopping;
    expect(result, output).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(timeoutStopMs);
    expect(isAlive(pid)).toBe(false);
    // Nothing the daemon started (agents, their children, git) is left: they all carry its data root.
    expect(await processesWithEnv('CCX_DATA_HOME', environment['CCX_DATA_HOME'] ?? '')).toEqual([]);
    const events = (await target.auditEvents()).map((event) => event['event']);
    expect(events).toContain('daemon.stopping');
    expect(events.at(-1)).toBe('daemon.stopped');
    expect((await target.row('T-1'))?.status).toBe('running');
  });
});
