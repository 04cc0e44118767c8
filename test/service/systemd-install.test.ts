import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { fakeServiceTools, type FakeTools } from './fakes.js';

const UNIT = (home: string) => join(home, '.config', 'systemd', 'user', 'ccx.service');

/** Output with the test's temp paths (and this machine's node) replaced by stable names. */
function stable(text: string, fakes: FakeTools): string {
  return text.replaceAll(fakes.home, '<home>').replaceAll(process.execPath, '<node>').replaceAll(CLI_PATH, '<cli>');
}

async function service(args: string[], fakes: FakeTools, extra: Record<string, string> = {}) {
  const result = await runCli(['service', ...args], { cwd: fakes.home, env: { ...fakes.env, ...extra } });
  return { ...result, stdout: stable(result.stdout, fakes), stderr: stable(result.stderr, fakes) };
}

describe('ccx service on Linux (fake systemctl and loginctl)', { skip: process.platform !== 'linux' }, () => {
  it('install writes the unit with this node, this ccx and this PATH, enables and starts it, and warns about linger', async () => {
    const fakes = await fakeServiceTools();
    const result = await service(['install'], fakes, { CCX_DATA_HOME: '/srv/ccx data' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Wrote <home>/.config/systemd/user/ccx.service: it runs <node> <cli> daemon with the PATH and CCX_DATA_HOME of this shell.
      Enabled and started ccx.service; systemd starts it with your user session from now on.
      Logs: journalctl --user -u ccx -f; a repository's audit log: ccx logs -f.
      "
    `);
    expect(result.stderr).toMatchInlineSnapshot(`
      "note: linger is off for pat, so the service stops when you log out (and starts at your next login). To keep it running: loginctl enable-linger pat
      "
    `);
    expect(await fakes.calls()).toEqual([
      'systemctl --user is-active --quiet ccx.service',
      'systemctl --user daemon-reload',
      'systemctl --user reset-failed ccx.service',
      'systemctl --user enable --now ccx.service',
      'loginctl show-user pat --property=Linger',
    ]);
    const unit = await readFile(UNIT(fakes.home), 'utf8');
    expect(unit).toContain(`\nExecStart=${process.execPath} ${CLI_PATH} daemon\n`);
    expect(unit).toContain(`\nEnvironment="PATH=${fakes.env.PATH}"\n`);
    expect(unit).toContain('\nEnvironment="CCX_DATA_HOME=/srv/ccx data"\n');
    expect(unit).not.toMatch(/@[A-Z_]+@/);
    expect((await stat(UNIT(fakes.home))).mode & 0o777).toBe(0o644);
  });

  it('install over a running service restarts it with the new unit; no linger note when linger is on', async () => {
    const fakes = await fakeServiceTools();
    expect((await service(['install'], fakes)).exitCode).toBe(0);
    const again = await service(['install'], fakes, { FAKE_LINGER: 'yes' });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('Enabled ccx.service and restarted it with the new unit.');
    expect(again.stderr).toBe('');
    expect((await fakes.calls()).slice(5)).toEqual([
      'systemctl --user is-active --quiet ccx.service',
      'systemctl --user daemon-reload',
      'systemctl --user reset-failed ccx.service',
      'systemctl --user enable --now ccx.service',
      'systemctl --user restart ccx.service',
      'loginctl show-user pat --property=Linger',
    ]);
  });

  it('status says installed, enabled, running with its pid, linger, and where the logs are', async () => {
    const fakes = await fakeServiceTools();
    const before = await service(['status'], fakes);
    expect(before.exitCode).toBe(1);
    expect(before.stdout).toMatchInlineSnapshot(`
      "ccx.service (systemd user service)
        installed  no (<home>/.config/systemd/user/ccx.service does not exist): run \`ccx service install\`
        enabled    no
        running    no (inactive)
        linger     off: the service stops when you log out; fix: loginctl enable-linger $USER
        logs       journalctl --user -u ccx -f   (a repository's audit log: ccx logs -f)
      "
    `);
    await service(['install'], fakes);
    const after = await service(['status'], fakes, { FAKE_LINGER: 'yes' });
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toMatchInlineSnapshot(`
      "ccx.service (systemd user service)
        installed  yes: <home>/.config/systemd/user/ccx.service
        enabled    yes
        running    yes (pid 4242)
        linger     on
        logs       journalctl --user -u ccx -f   (a repository's audit log: ccx logs -f)
      "
    `);
    const json = await service(['status', '--json'], fakes, { FAKE_LINGER: 'yes' });
    expect(JSON.parse(json.stdout)).toMatchObject({ manager: 'systemd', installed: true, enabled: true, running: true, pid: 4242, state: 'active', linger: true, problems: [] });
  });

  it('uninstall stops, disables and removes the unit; a second uninstall has nothing to do', async () => {
    const fakes = await fakeServiceTools();
    await service(['install'], fakes);
    const result = await service(['uninstall'], fakes);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Stopped and disabled ccx.service.
      Removed <home>/.config/systemd/user/ccx.service.
      "
    `);
    expect((await fakes.calls()).slice(5)).toEqual(['systemctl --user disable --now ccx.service', 'systemctl --user daemon-reload', 'systemctl --user reset-failed ccx.service']);
    await expect(stat(UNIT(fakes.home))).rejects.toThrow('ENOENT');
    const again = await service(['uninstall'], fakes);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe('ccx.service is not installed (no <home>/.config/systemd/user/ccx.service); nothing to do.\n');
  });

  it('without a reachable user instance, install says what to do and writes nothing', async () => {
    const fakes = await fakeServiceTools();
    const result = await service(['install'], fakes, { FAKE_MODE: 'nobus' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.replace(/\/run\/user\/\d+/, '/run/user/<uid>')).toMatchInlineSnapshot(`
      "ccx service: systemctl --user cannot reach your systemd user instance (it says: Failed to connect to bus: No medium found).
        This happens under sudo or su, in containers, and in sessions without a login. Log in as pat directly (or \`machinectl shell pat@\`), make sure XDG_RUNTIME_DIR=/run/user/<uid> is set and linger is on (\`loginctl enable-linger pat\`), then run \`ccx service install\` again. Without systemd, run \`ccx daemon\` under a supervisor of your own.
      "
    `);
    await expect(stat(UNIT(fakes.home))).rejects.toThrow('ENOENT');
    const status = await service(['status'], fakes, { FAKE_MODE: 'nobus' });
    expect(status.exitCode).toBe(1);
    expect(status.stdout).toContain('running    cannot tell');
    expect(status.stdout).toContain('cannot ask the service manager: systemctl --user cannot reach your systemd user instance');
  });

  it('without systemctl at all, says to run the daemon another way', async () => {
    const fakes = await fakeServiceTools({ tools: ['loginctl'], onlyFakes: true });
    const result = await service(['install'], fakes);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatchInlineSnapshot(`
      "ccx service: systemctl was not found on PATH, so this system does not run systemd.
        Run \`ccx daemon\` under a supervisor of your own (tmux, runit, your container's init).
      "
    `);
  });

  it('a unit that fails to start is reported with systemctl\'s words and where to look', async () => {
    const fakes = await fakeServiceTools();
    const result = await service(['install'], fakes, { FAKE_MODE: 'failstart' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatchInlineSnapshot(`
      "ccx service: \`systemctl --user enable --now ccx.service\` failed: Job for ccx.service failed because the control process exited with error code. / See "systemctl --user status ccx.service" and "journalctl --user -xeu ccx.service" for details.
        The unit is written; fix the cause, then run \`ccx service install\` again (details: journalctl --user -u ccx -f).
      "
    `);
  });

  it('status names a unit whose node no longer exists', async () => {
    const fakes = await fakeServiceTools();
    await service(['install'], fakes);
    const unit = UNIT(fakes.home);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(unit, (await readFile(unit, 'utf8')).replace(`ExecStart=${process.execPath}`, 'ExecStart=/opt/gone/node'));
    const status = await service(['status'], fakes, { FAKE_LINGER: 'yes' });
    expect(status.stdout).toContain('problem: the service runs /opt/gone/node, which no longer exists; run `ccx service install` again with the node and ccx you use now.');
  });

  it('rejects an unknown action', async () => {
    const fakes = await fakeServiceTools();
    const result = await service(['restart'], fakes);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatchInlineSnapshot(`
      "ccx service: the action must be one of install, uninstall, status, but it is "restart".
        Usage: ccx service install|uninstall|status
      "
    `);
  });
});
