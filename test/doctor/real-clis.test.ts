import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUDE, CODEX } from '../conformance/clis.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';

/** The lines of `ccx doctor` about the agents, run against the real pinned CLIs in a fresh home. */
async function agentLines(home: string, extra: Record<string, string> = {}): Promise<string[]> {
  const env = await isolatedEnv({
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CODEX_HOME: join(home, '.codex'),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CCX_CLAUDE_BIN: CLAUDE?.bin ?? '',
    CCX_CODEX_BIN: CODEX?.bin ?? '',
    ANTHROPIC_API_KEY: '',
    CLAUDE_CODE_OAUTH_TOKEN: '',
    ANTHROPIC_AUTH_TOKEN: '',
    ...extra,
  });
  const result = await runCli(['doctor'], { cwd: home, env });
  return result.stdout.split('\n').filter((line) => /^\S+\s+(claude|codex)/.test(line));
}

// The conformance suite's pinned CLIs (npm run conformance:install); global-setup says when they are missing.
describe.skipIf(CLAUDE === undefined || CODEX === undefined)('ccx doctor against the real claude and codex', () => {
  it('reads their versions and tells logged out from logged in', { timeout: 120_000 }, async () => {
    const home = await testdir();
    await mkdir(join(home, '.codex'));
    const loggedOut = await agentLines(home);
    expect(loggedOut.map((line) => line.replace(/\(\/.*\)/, '(<bin>)'))).toEqual([
      `ok    claude        claude ${CLAUDE?.version ?? ''} (<bin>); ccx is tested with ${CLAUDE?.version ?? ''}`,
      'FAIL  claude login  claude is not logged in (says `claude auth status`)',
      `ok    codex         codex ${CODEX?.version ?? ''} (<bin>); ccx is tested with ${CODEX?.version ?? ''}`,
      'FAIL  codex login   codex is not logged in (says `codex login status`)',
    ]);
    execFileSync(CODEX?.bin ?? 'codex', ['login', '--with-api-key'], { input: 'sk-test-not-a-real-key\n', env: { ...process.env, HOME: home, CODEX_HOME: join(home, '.codex') }, stdio: ['pipe', 'ignore', 'ignore'] });
    const loggedIn = await agentLines(home, { ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key' });
    expect(loggedIn[1]).toBe('ok    claude login  logged in (api_key from ANTHROPIC_API_KEY, says `claude auth status`)');
    expect(loggedIn[3]).toBe('ok    codex login   logged in with an API key (says `codex login status`)');
    expect(loggedIn.join('\n')).not.toMatch(/not-a-real-key|real-key|l-key|sk-test/);
  });
});
