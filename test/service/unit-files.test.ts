import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../../src/config/env.js';
import { renderLaunchdPlist, renderSystemdUnit, START_LIMIT_BURST, START_LIMIT_INTERVAL_SEC, type ServiceSpec } from '../../src/service/index.js';
import { execStartWords, plistProgramArguments } from '../../src/service/installed-paths.js';
import { CLI_PATH } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { checkPlist, plistChecker, readPlist } from './plist-check.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const SYSTEMD_ANALYZE = has('systemd-analyze');

const spec = (overrides: Partial<ServiceSpec> = {}): ServiceSpec => ({
  nodePath: process.execPath,
  cliPath: CLI_PATH,
  home: '/home/pat',
  environment: [['PATH', process.env['PATH'] ?? '/usr/bin:/bin']],
  ...overrides,
});

/** `systemd-analyze --user verify` on `unit` saved as ccx.service: its exit code and everything it printed. */
async function verify(unit: string): Promise<{ status: number | null; output: string }> {
  const dir = await testdir();
  const runtime = join(dir, 'runtime');
  await mkdir(runtime, { mode: 0o700 });
  await writeFile(join(dir, 'ccx.service'), unit);
  const result = spawnSync('systemd-analyze', ['--user', 'verify', join(dir, 'ccx.service')], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe('the systemd unit', () => {
  it('follows the recipe: Type=exec, absolute node, KillMode=mixed, a stop timeout above the grace, a start limit, PATH', async () => {
    const unit = await renderSystemdUnit(spec({ nodePath: '/opt/node/bin/node', cliPath: '/opt/ccx/dist/cli/bin.js', environment: [['PATH', '/opt/node/bin:/usr/bin'], ['CCX_DATA_HOME', '/data']] }));
    const settings = unit.split('\n').filter((line) => /^[A-Za-z]+=/.test(line));
    expect(settings).toMatchInlineSnapshot(`
      [
        "Description=ccx daemon: BOARD.md tasks implemented, reviewed and merged",
        "StartLimitIntervalSec=300",
        "StartLimitBurst=5",
        "Type=exec",
        "ExecStart=/opt/node/bin/node /opt/ccx/dist/cli/bin.js daemon",
        "WorkingDirectory=%h",
        "Environment="PATH=/opt/node/bin:/usr/bin"",
        "Environment="CCX_DATA_HOME=/data"",
        "KillMode=mixed",
        "KillSignal=SIGTERM",
        "TimeoutStopSec=30",
        "Restart=on-failure",
        "RestartSec=5",
        "StandardOutput=journal",
        "StandardError=journal",
        "WantedBy=default.target",
      ]
    `);
    expect(30 * 1000).toBeGreaterThan(DEFAULT_SHUTDOWN_GRACE_MS);
  });

  it.skipIf(!SYSTEMD_ANALYZE)(
    `passes systemd-analyze verify with this machine's real node and ccx${SYSTEMD_ANALYZE ? '' : ' (SKIPPED: systemd-analyze is not installed)'}`,
    async () => {
      expect(await verify(await renderSystemdUnit(spec()))).toEqual({ status: 0, output: '' });
      // The check can fail: a node that does not exist, or a setting systemd does not know, is reported.
      const broken = await verify(await renderSystemdUnit(spec({ nodePath: '/nonexistent/node' })));
      expect(broken.status).not.toBe(0);
      expect(broken.output).toContain('/nonexistent/node');
      const typo = await verify((await renderSystemdUnit(spec())).replace('KillMode=mixed', 'KillMode=mixd'));
      expect(typo.output).toContain('Failed to parse kill mode');
    },
  );

  it.skipIf(!SYSTEMD_ANALYZE)(
    `quotes paths with spaces, %, $, quotes and backslashes so systemd reads them back exactly${SYSTEMD_ANALYZE ? '' : ' (SKIPPED: systemd-analyze is not installed)'}`,
    async () => {
      const root = await testdir();
      // systemd takes no quote or backslash in the program's path (see the next test), only in arguments.
      const nodeDir = join(root, 'node dir 100% $HOME');
      const cliDir = join(root, 'ccx dir 100% $HOME "q" \\b');
      await mkdir(nodeDir);
      await mkdir(cliDir);
      await symlink(process.execPath, join(nodeDir, 'node'));
      await symlink(CLI_PATH, join(cliDir, 'bin.js'));
      const odd = spec({ nodePath: join(nodeDir, 'node'), cliPath: join(cliDir, 'bin.js'), environment: [['PATH', `${cliDir}:/usr/bin`]] });
      const unit = await renderSystemdUnit(odd);
      expect(await verify(unit)).toEqual({ status: 0, output: '' });
      expect(execStartWords(unit)).toEqual([odd.nodePath, odd.cliPath, 'daemon']);
    },
  );

  it('refuses a node path systemd cannot run, saying what to do', async () => {
    await expect(renderSystemdUnit(spec({ nodePath: '/opt/my "node"/bin/node' }))).rejects.toThrowErrorMatchingInlineSnapshot(
      `[CcxError: systemd cannot run a program whose path holds a quote or a backslash, and node is "/opt/my \\"node\\"/bin/node".]`,
    );
  });

  it('refuses a path with a line break instead of writing a broken unit', async () => {
    await expect(renderSystemdUnit(spec({ cliPath: '/opt/ccx\n[Service]\nExecStartPre=/bin/evil' }))).rejects.toThrow(/contains a control character/);
  });
});

describe('the launchd plist', () => {
  it(`parses (checked with ${plistChecker()}) and holds the recipe: node first, PATH, KeepAlive on failure, throttle, exit timeout, logs`, async () => {
    const dir = join(await testdir(), 'a & b <c>');
    const plist = await renderLaunchdPlist(spec({ home: '/Users/pat', environment: [['PATH', '/opt/homebrew/bin:/usr/bin'], ['CCX_DATA_HOME', `${dir}/data`]] }), '/Users/pat/Library/Logs/ccx');
    const parsed = await checkPlist(plist);
    expect(parsed).toEqual({
      Label: 'dev.ccx.daemon',
      ProgramArguments: [process.execPath, CLI_PATH, 'daemon', '--service'],
      EnvironmentVariables: { PATH: '/opt/homebrew/bin:/usr/bin', CCX_DATA_HOME: `${dir}/data` },
      WorkingDirectory: '/Users/pat',
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 10,
      ExitTimeOut: 30,
      StandardOutPath: '/Users/pat/Library/Logs/ccx/daemon.out.log',
      StandardErrorPath: '/Users/pat/Library/Logs/ccx/daemon.err.log',
    });
    expect(plistProgramArguments(plist)).toEqual(parsed['ProgramArguments']);
    expect(plist).toContain(`after ${START_LIMIT_BURST} within ${START_LIMIT_INTERVAL_SEC} s`);
  });

  it('is rejected by the same check when it is broken', async () => {
    const plist = await renderLaunchdPlist(spec(), '/Users/pat/Library/Logs/ccx');
    await expect(checkPlist(plist.replace('<true/>', '<true>'))).rejects.toThrow();
  });
});

describe('the fallback plist reader (used where neither plutil nor python3 is)', () => {
  it('reads what the other checkers read, and rejects what they reject', async () => {
    const plist = await renderLaunchdPlist(spec({ home: '/Users/a&b' }), '/Users/a&b/Library/Logs/ccx');
    expect(readPlist(plist)).toEqual(await checkPlist(plist));
    expect(() => readPlist(plist.replace('<true/>', '<true>'))).toThrow();
    expect(() => readPlist(plist.replace('&amp;', '&'))).toThrow();
  });
});
