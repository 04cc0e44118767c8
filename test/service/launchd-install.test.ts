import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCcxError } from '../../src/errors.js';
import { installService, recordServiceStart, serviceStatus, servicePaths, uninstallService, type ServiceHost } from '../../src/service/index.js';
import { CLI_PATH } from '../helpers/cli.js';
import { fakeServiceTools, type FakeTools } from './fakes.js';

/** A macOS host (uid 501) whose home and launchctl are the fakes'. */
function macHost(fakes: FakeTools, env: Record<string, string> = {}): ServiceHost {
  return { platform: 'darwin', home: fakes.home, env: { ...fakes.env, ...env }, uid: 501, user: 'pat', nodePath: process.execPath, cliPath: CLI_PATH };
}

const stable = (lines: string[], fakes: FakeTools) => lines.map((line) => line.replaceAll(fakes.home, '<home>').replaceAll(process.execPath, '<node>').replaceAll(CLI_PATH, '<cli>'));

describe('ccx service on macOS (fake launchctl)', () => {
  it('install writes the plist, creates the log folder and bootstraps it into gui/<uid>', async () => {
    const fakes = await fakeServiceTools();
    const host = macHost(fakes);
    const report = await installService(host);
    expect(stable(report.done, fakes)).toMatchInlineSnapshot(`
      [
        "Wrote <home>/Library/LaunchAgents/dev.ccx.daemon.plist: it runs <node> <cli> daemon with the PATH and CCX_DATA_HOME of this shell.",
        "Loaded dev.ccx.daemon into gui/501: it runs now and at every login.",
        "Logs: <home>/Library/Logs/ccx/daemon.err.log (and daemon.out.log beside it); a repository's audit log: ccx logs -f.",
      ]
    `);
    expect(stable(report.notes, fakes)).toMatchInlineSnapshot(`
      [
        "launchd restarts ccx after a crash; after 5 starts within 5 minutes it gives up and says why in <home>/Library/Logs/ccx/daemon.err.log.",
      ]
    `);
    const plist = join(fakes.home, 'Library', 'LaunchAgents', 'dev.ccx.daemon.plist');
    expect(await fakes.calls()).toEqual(['launchctl print gui/501/dev.ccx.daemon', 'launchctl enable gui/501/dev.ccx.daemon', `launchctl bootstrap gui/501 ${plist}`]);
    const text = await readFile(plist, 'utf8');
    expect(text).toContain(`<string>${process.execPath}</string>\n    <string>${CLI_PATH}</string>\n    <string>daemon</string>\n    <string>--service</string>`);
    expect(text).toContain(`<key>PATH</key>\n    <string>${fakes.env.PATH}</string>`);
    expect((await stat(join(fakes.home, 'Library', 'Logs', 'ccx'))).isDirectory()).toBe(true);
  });

  it('install over a loaded agent boots the old one out first; status reports it running', async () => {
    const fakes = await fakeServiceTools();
    const host = macHost(fakes);
    await installService(host);
    const again = await installService(host);
    expect(again.done[0]).toBe('Unloaded the running dev.ccx.daemon.');
    expect((await fakes.calls()).slice(3)).toEqual([
      'launchctl print gui/501/dev.ccx.daemon',
      'launchctl bootout gui/501/dev.ccx.daemon',
      'launchctl enable gui/501/dev.ccx.daemon',
      `launchctl bootstrap gui/501 ${servicePaths(host).launchdPlist}`,
    ]);
    expect(await serviceStatus(host)).toMatchObject({ manager: 'launchd', installed: true, enabled: true, running: true, pid: 777, state: 'running', problems: [], linger: null });
  });

  it('status reports a service mode that gave up after too many starts, until the next install', async () => {
    const fakes = await fakeServiceTools();
    const host = macHost(fakes);
    await installService(host);
    const { startsFile } = servicePaths(host);
    const now = Date.now();
    for (let start = 0; start < 5; start += 1) expect((await recordServiceStart(startsFile, now + start)).allowed).toBe(true);
    expect((await recordServiceStart(startsFile, now + 5)).allowed).toBe(false);
    const status = await serviceStatus(host);
    expect(status.problems).toEqual([expect.stringMatching(/^the daemon gave up at .* after 5 failed starts; .*daemon\.err\.log says why\. Fix it, then run `ccx service install` again\.$/)]);
    await installService(host);
    expect((await serviceStatus(host)).problems).toEqual([]);
  });

  it('uninstall boots it out and removes the plist; a second uninstall has nothing to do', async () => {
    const fakes = await fakeServiceTools();
    const host = macHost(fakes);
    await installService(host);
    const report = await uninstallService(host);
    expect(stable(report.done, fakes)).toEqual(['Stopped and unloaded dev.ccx.daemon.', 'Removed <home>/Library/LaunchAgents/dev.ccx.daemon.plist.']);
    expect(await serviceStatus(host)).toMatchObject({ installed: false, running: false, state: 'not loaded' });
    expect(stable((await uninstallService(host)).done, fakes)).toEqual(['dev.ccx.daemon is not installed (no <home>/Library/LaunchAgents/dev.ccx.daemon.plist); nothing to do.']);
  });

  it('a bootstrap that fails (no GUI session: ssh, sudo) says what to do', async () => {
    const fakes = await fakeServiceTools();
    const error = await installService(macHost(fakes, { FAKE_MODE: 'nogui' })).catch((caught: unknown) => caught);
    expect(isCcxError(error, 'SERVICE_FAILED')).toBe(true);
    const failure = error as Error & { hint: string };
    expect(`${failure.message}\n${failure.hint}`.replaceAll(fakes.home, '<home>')).toMatchInlineSnapshot(`
      "\`launchctl bootstrap gui/501 <home>/Library/LaunchAgents/dev.ccx.daemon.plist\` failed: Bootstrap failed: 5: Input/output error / Try re-running the command as root for richer errors.
      Run it from a Terminal in your logged-in desktop session (the gui/501 domain does not exist over ssh or sudo), then \`ccx service install\` again."
    `);
  });

  it('refuses a platform with neither systemd nor launchd', async () => {
    const fakes = await fakeServiceTools();
    const error = await installService({ ...macHost(fakes), platform: 'win32' }).catch((caught: unknown) => caught);
    expect(isCcxError(error, 'SERVICE_UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toMatchInlineSnapshot(`"ccx runs as a service under systemd (Linux) and launchd (macOS), not on win32."`);
  });
});
