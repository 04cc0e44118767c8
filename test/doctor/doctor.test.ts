import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupSupport } from '../../src/agents/process/cgroup.js';
import { runDoctor, type CheckResult, type DoctorHost } from '../../src/doctor/index.js';
import { CLI_PATH, runCli } from '../helpers/cli.js';
import { fakeServiceTools, type FakeTools } from '../service/fakes.js';
import { addFakeClis } from './fake-clis.js';

/** A temp home, fake git/claude/codex/systemctl/loginctl, and nothing else on PATH. */
async function machine(tools?: readonly string[]): Promise<FakeTools> {
  const fakes = await fakeServiceTools({ onlyFakes: true });
  await addFakeClis(fakes.bin, tools);
  return fakes;
}

async function doctor(fakes: FakeTools, extra: Record<string, string> = {}) {
  const result = await runCli(['doctor'], { cwd: fakes.home, env: { ...fakes.env, ...extra } });
  const stable = (text: string) => withoutContainment(text.replaceAll(fakes.bin, '<bin>').replaceAll(fakes.home, '<home>').replaceAll(fakes.env.CCX_DATA_HOME, '<data>').replace(/node \d+\.\d+\.\d+/, 'node <version>'));
  return { ...result, stdout: stable(result.stdout) };
}

/**
 * The containment line depends on the machine (root with cgroup v2, or not): the runDoctor tests
 * below pin it. Here it is left out, and a warning it added is taken out of the summary.
 */
function withoutContainment(text: string): string {
  const warned = /^warn +containment /m.test(text);
  const kept = text.replace(/^(?:ok|warn) +containment .*\n(?: +fix: .*\n)?/m, '');
  if (!warned) return kept;
  return kept.replace(/^Nothing failed; 1 warning\.$/m, 'All good.').replace(/(\d+) warnings?\.$/m, (_match, count: string) => `${Number(count) - 1} warning${Number(count) - 1 === 1 ? '' : 's'}.`).replace(/, 0 warnings\.$/m, '.').replace(/^Nothing failed; 0 warnings\.$/m, 'All good.');
}

describe('ccx doctor', { skip: process.platform !== 'linux' }, () => {
  it('says all is well, and exits 0, when everything is there', async () => {
    const fakes = await machine();
    expect((await runCli(['service', 'install'], { cwd: fakes.home, env: fakes.env })).exitCode).toBe(0);
    const result = await doctor(fakes, { FAKE_LINGER: 'yes' });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "ok    node          node <version> (needs 20.19 or newer)
      ok    git           git 2.39.1 (needs 2.38 or newer)
      ok    claude        claude 2.1.197 (<bin>/claude); ccx is tested with 2.1.197
      ok    claude login  logged in (claude.ai, says \`claude auth status\`)
      ok    codex         codex 0.169.0 (<bin>/codex); ccx is tested with 0.169.0
      ok    codex login   logged in with ChatGPT (says \`codex login status\`)
      ok    environment   the CCX_* variables that are set are valid
      ok    data root     <data> does not exist yet; \`ccx init\` will create it
      ok    service       ccx.service is installed and running (pid 4242)
      ok    linger        on: the service keeps running after you log out

      All good.
      "
    `);
  });

  it('fails, with the fix, on a missing claude and codex and an old git; warns about the service and linger', async () => {
    const fakes = await machine(['git']);
    const result = await doctor(fakes, { FAKE_GIT_VERSION: '2.30.2' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatchInlineSnapshot(`
      "ok    node         node <version> (needs 20.19 or newer)
      FAIL  git          git 2.30.2 (<bin>/git) is older than 2.38
                         fix: Install git 2.38 or newer (ccx uses git merge-tree --write-tree) and put it first on PATH.
      FAIL  claude       claude was not found on PATH (CCX_CLAUDE_BIN is not set)
                         fix: Install it (npm install --global @anthropic-ai/claude-code) or set CCX_CLAUDE_BIN to its path.
      FAIL  codex        codex was not found on PATH (CCX_CODEX_BIN is not set)
                         fix: Install it (npm install --global @openai/codex) or set CCX_CODEX_BIN to its path.
      ok    environment  the CCX_* variables that are set are valid
      ok    data root    <data> does not exist yet; \`ccx init\` will create it
      warn  service      ccx.service is not installed: the daemon runs only while \`ccx daemon\` does
                         fix: ccx service install
      warn  linger       off: a systemd user service stops when you log out
                         fix: loginctl enable-linger pat

      3 checks failed, 2 warnings.
      "
    `);
  });

  it('warns about an agent older than the tested version and fails on logged-out agents', async () => {
    const fakes = await machine();
    const result = await doctor(fakes, { FAKE_CLAUDE_VERSION: '1.0.44', FAKE_CLAUDE_AUTH: 'no', FAKE_CODEX_LOGIN: 'no' });
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.filter((line) => /^(ok|warn|FAIL) +(claude|codex)/.test(line) || line.includes('fix: Update') || line.includes('fix: Run'))).toMatchInlineSnapshot(`
      [
        "warn  claude        claude 1.0.44 (<bin>/claude) is older than 2.1.197, the version ccx is tested with",
        "                    fix: Update it: npm install --global @anthropic-ai/claude-code@latest",
        "FAIL  claude login  claude is not logged in (says \`claude auth status\`)",
        "                    fix: Run \`claude\` in a terminal and type /login (or set CLAUDE_CODE_OAUTH_TOKEN from \`claude setup-token\`, or ANTHROPIC_API_KEY).",
        "ok    codex         codex 0.169.0 (<bin>/codex); ccx is tested with 0.169.0",
        "FAIL  codex login   codex is not logged in (says \`codex login status\`)",
        "                    fix: Run \`codex login\` (or pipe an API key to \`codex login --with-api-key\`).",
      ]
    `);
  });

  it('with a claude too old for `auth status`, looks for a key or credentials and otherwise says it cannot tell', async () => {
    const fakes = await machine();
    const line = async (extra: Record<string, string>) => (await doctor(fakes, { FAKE_CLAUDE_AUTH: 'old', ...extra })).stdout.split('\n').find((text) => text.includes('claude login'));
    expect(await line({ ANTHROPIC_API_KEY: 'sk-never-printed' })).toBe('ok    claude login  ANTHROPIC_API_KEY is set (this claude has no `auth status`, so this is as far as ccx can tell)');
    expect(await line({})).toBe(
      'warn  claude login  cannot tell: this claude has no `auth status`; there is no <home>/.claude/.credentials.json, and ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN are not set',
    );
    await mkdir(join(fakes.home, 'claude-config'));
    await writeFile(join(fakes.home, 'claude-config', '.credentials.json'), '{}');
    expect(await line({ CLAUDE_CONFIG_DIR: join(fakes.home, 'claude-config') })).toBe(
      'ok    claude login  credentials in <home>/claude-config/.credentials.json (this claude has no `auth status`, so this is as far as ccx can tell)',
    );
    const all = await doctor(fakes, { FAKE_CLAUDE_AUTH: 'old', ANTHROPIC_API_KEY: 'sk-never-printed' });
    expect(all.stdout).not.toContain('sk-never-printed');
  });

  it('uses CCX_CLAUDE_BIN and CCX_CODEX_BIN, and names them when they point nowhere', async () => {
    const fakes = await machine(['git', 'codex']);
    const agents = join(fakes.home, 'agents');
    await mkdir(agents);
    await addFakeClis(agents, ['claude']);
    const found = await doctor(fakes, { CCX_CLAUDE_BIN: join(agents, 'claude') });
    expect(found.stdout).toContain('ok    claude        claude 2.1.197 (<home>/agents/claude)');
    const missing = await doctor(fakes, { CCX_CLAUDE_BIN: '/opt/nowhere/claude', CCX_CODEX_BIN: join(fakes.bin, 'codex') });
    expect(missing.stdout).toContain('FAIL  claude       claude was not found at CCX_CLAUDE_BIN=/opt/nowhere/claude');
    expect(missing.stdout).toContain('ok    codex        codex 0.169.0 (<bin>/codex)');
  });

  it('checks the CCX_* variables and the data root', async () => {
    const fakes = await machine();
    const badVariable = await doctor(fakes, { CCX_MAX_WORKERS: 'lots' });
    expect(badVariable.exitCode).toBe(1);
    expect(badVariable.stdout).toContain('FAIL  environment   CCX_MAX_WORKERS must be a whole number, but it is "lots".\n                    fix: Fix or unset CCX_MAX_WORKERS in the environment ccx runs in.');
    await writeFile(fakes.env.CCX_DATA_HOME, 'a file, not a folder');
    expect((await doctor(fakes)).stdout).toContain('FAIL  data root     <data> is not a folder');
    const open = join(fakes.home, 'open-root');
    await mkdir(open);
    await chmod(open, 0o755);
    expect((await doctor(fakes, { CCX_DATA_HOME: open })).stdout).toContain(
      'warn  data root     <home>/open-root is writable, but others may read it (mode 755); it holds prompts and agent output\n                    fix: chmod 700 <home>/open-root',
    );
  });

  it('reports an installed service that is not running, with where to look', async () => {
    const fakes = await machine();
    await runCli(['service', 'install'], { cwd: fakes.home, env: fakes.env });
    await writeFile(fakes.env.FAKE_TOOLS_STATE, JSON.stringify({ enabled: true, active: false }));
    const result = await doctor(fakes, { FAKE_LINGER: 'yes' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'FAIL  service       ccx.service is installed but not running (inactive)\n                    fix: See why in journalctl --user -u ccx -f, fix it, then: systemctl --user restart ccx.service',
    );
  });
});

describe('runDoctor', () => {
  const host = (fakes: FakeTools, overrides: Partial<DoctorHost> = {}, env: Record<string, string> = {}): DoctorHost => {
    const all = { ...fakes.env, ...env };
    return {
      env: all,
      cwd: fakes.home,
      platform: 'linux',
      home: fakes.home,
      nodeVersion: '20.19.0',
      timeoutMs: 10_000,
      service: { platform: 'linux', home: fakes.home, env: all, uid: 1000, user: 'pat', nodePath: process.execPath, cliPath: CLI_PATH },
      containment: { available: true, base: '/sys/fs/cgroup/ccx.service' },
      ...overrides,
    };
  };
  const find = (results: CheckResult[], name: string) => results.find((result) => result.name === name);

  it('fails on a node older than 20.19', async () => {
    const fakes = await machine();
    expect(find(await runDoctor(host(fakes, { nodeVersion: '20.18.3' })), 'node')).toEqual({
      level: 'fail',
      name: 'node',
      message: 'node 20.18.3 is older than 20.19, which ccx needs',
      fix: 'Install node 20.19 or newer (22 and 24 LTS work too), then run ccx with it (and `ccx service install` again if the service runs).',
    });
    expect(find(await runDoctor(host(fakes, { nodeVersion: '24.1.0' })), 'node')?.level).toBe('ok');
  });

  it('gives up on a CLI that does not answer within the timeout, and leaves no process behind', async () => {
    const fakes = await machine();
    const started = Date.now();
    const results = await runDoctor(host(fakes, { timeoutMs: 500 }, { FAKE_HANG: 'codex' }));
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(find(results, 'codex')).toMatchObject({ level: 'fail', message: `${fakes.bin}/codex was found, but \`codex --version\` did not answer within 0.5 s` });
    expect(find(results, 'codex login')).toBeUndefined();
    const leftovers = execFileSync('ps', ['-A', '-o', 'pid=,stat=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(`${fakes.bin}/codex`) && !/^\s*\d+\s+Z/.test(line));
    expect(leftovers).toEqual([]);
  });

  it('says whether agent turns are contained by a cgroup, and what escapes when they are not', async () => {
    const fakes = await machine();
    expect(find(await runDoctor(host(fakes)), 'containment')).toEqual({ level: 'ok', name: 'containment', message: 'each agent turn runs in a cgroup of its own under /sys/fs/cgroup/ccx.service: nothing it starts outlives the turn' });
    const none = { available: false as const, reason: 'ccx may not create cgroups under /sys/fs/cgroup/user.slice (EACCES)' };
    expect(find(await runDoctor(host(fakes, { containment: none })), 'containment')).toEqual({
      level: 'warn',
      name: 'containment',
      message: 'no per-turn cgroup (ccx may not create cgroups under /sys/fs/cgroup/user.slice (EACCES)): turns are stopped by process group and environment token, which a process started with `env -i setsid` escapes',
      fix: 'Run the daemon where it may create cgroup v2 groups: as root, or as a systemd service with Delegate=yes.',
    });
    const result = await runCli(['doctor', '--json'], { cwd: fakes.home, env: fakes.env });
    const line = (JSON.parse(result.stdout) as CheckResult[]).find((check) => check.name === 'containment');
    expect(line?.level).toBe(cgroupSupport().available ? 'ok' : 'warn');
  });

  it('says so on a platform with no service manager', async () => {
    const fakes = await machine();
    const base = host(fakes);
    const results = await runDoctor({ ...base, platform: 'freebsd', service: { ...base.service, platform: 'freebsd' } });
    expect(find(results, 'service')).toMatchObject({ level: 'warn', message: 'ccx runs as a service under systemd (Linux) and launchd (macOS), not on freebsd.' });
    expect(find(results, 'linger')).toBeUndefined();
  });
});
