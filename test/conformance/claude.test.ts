import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, isProcessGroupAlive } from '../../src/agents/index.js';
import type { ClaudeAgentConfig, TurnRequest } from '../../src/agents/index.js';
import { parseClaudeResetTime } from '../../src/agents/claude/reset-time.js';
import { gitdir } from '../helpers/gitdir.js';
import { liveProcesses } from '../helpers/processes.js';
import { testdir } from '../helpers/testdir.js';
import { CLAUDES, claudeEnv, cliTitle, isolatedHome } from './clis.js';
import { startMockModel } from './mock-server/server.js';
import type { MockModel } from './mock-server/server.js';

const VERDICT_SCHEMA = {
  type: 'object',
  properties: { verdict: { type: 'string', enum: ['approve', 'needs-attention'] }, summary: { type: 'string' } },
  required: ['verdict', 'summary'],
  additionalProperties: false,
};

// Once per installed release (pinned and latest): the same expectations, so a release that behaves
// otherwise fails under a name that gives its version.
for (const CLAUDE of CLAUDES.length > 0 ? CLAUDES : [undefined]) describe.skipIf(CLAUDE === undefined)(`${cliTitle('claude', CLAUDE)} against a mock model`, () => {
  let mock: MockModel;
  let home: Awaited<ReturnType<typeof isolatedHome>>;
  beforeAll(async () => {
    mock = await startMockModel();
    home = await isolatedHome();
  });
  afterAll(async () => {
    await mock.close();
    await home.remove();
  });

  async function turn(marker: string, overrides: Partial<TurnRequest> & { auth?: 'api-key' | 'oauth' | 'none'; config?: Partial<ClaudeAgentConfig> } = {}) {
    const { auth = 'api-key', config, ...request } = overrides;
    const agent = createAgent({ type: 'claude', bin: CLAUDE?.bin ?? 'claude', killGraceMs: 1_000, baseEnv: claudeEnv(home.home, mock.url, auth, CLAUDE?.path), ...config });
    let pgid = 0;
    const outcome = await agent.runTurn({
      role: 'implementer',
      prompt: `${marker}\nDo the task.`,
      worktree: request.worktree ?? (await gitdir()),
      model: 'sonnet',
      effort: 'high',
      timeoutMs: 60_000,
      scratchDir: await testdir(),
      onSpawn: (group) => (pgid = group.pgid),
      ...request,
    });
    expect(isProcessGroupAlive(pgid)).toBe(false);
    return { outcome, pgid };
  }

  it('an implement turn really writes a file in the worktree, and a resumed turn keeps the session', async () => {
    const worktree = await gitdir();
    const session = randomUUID();
    mock.script('marker-write-1', [{ tool: { name: 'Write', input: { file_path: join(worktree, 'hello.txt'), content: 'hello from claude\n' } } }, { text: 'Wrote hello.txt.' }]);
    const progress: string[] = [];
    const { outcome } = await turn('marker-write-1', { worktree, session: { id: session, resume: false }, testCommand: 'npm test', onProgress: (line) => progress.push(line) });
    expect(progress).toEqual([`claude: Write ${join(worktree, 'hello.txt')}`, 'claude: Wrote hello.txt.']);
    expect(outcome).toMatchObject({ kind: 'ok', message: '', text: 'Wrote hello.txt.', sessionId: session, exitCode: 0, timedOut: false, canceled: false });
    expect(await readFile(join(worktree, 'hello.txt'), 'utf8')).toBe('hello from claude\n');
    expect(outcome.costUsd).toBeGreaterThan(0);
    expect(outcome.tokens).toMatchObject({ input: 200, output: 40 });

    mock.script('marker-write-2', [{ text: 'Resumed.' }]);
    const resumed = await turn('marker-write-2', { worktree, session: { id: session, resume: true } });
    expect(resumed.outcome).toMatchObject({ kind: 'ok', text: 'Resumed.', sessionId: session });
    const last = mock.requests.at(-1)?.body?.['messages'];
    expect(JSON.stringify(last)).toContain('Wrote hello.txt.'); // the earlier turn's history came along
  });

  it('a review turn with --json-schema returns the structured verdict', async () => {
    const verdict = { verdict: 'approve', summary: 'Looks right.' };
    mock.script('marker-review', [{ json: verdict }]);
    const { outcome } = await turn('marker-review', { role: 'reviewer', outputSchema: VERDICT_SCHEMA });
    expect(outcome).toMatchObject({ kind: 'ok', structured: verdict });
    const tools = (mock.requests.at(-1)?.body?.['tools'] as { name: string }[]).map((tool) => tool.name);
    expect(tools).toContain('StructuredOutput');
    expect(tools).not.toContain('Write');
  });

  it('a subscription usage limit (429, unified headers) is usage-limit with the reset time', async () => {
    const reset = Math.floor(Date.now() / 60_000) * 60 + 2 * 3600; // on a minute, two hours ahead
    mock.script('marker-limit', [{ http: { status: 429, headers: limitHeaders(reset), body: rateLimitBody() } }]);
    const { outcome } = await turn('marker-limit', { auth: 'oauth' });
    expect(outcome.kind).toBe('usage-limit');
    expect(outcome.resetAt?.getTime()).toBe(reset * 1000);
    // 2.1.197 says "session limit", 2.1.332 "5-hour limit": ccx reads only the reset time after it.
    expect(outcome.text).toMatch(/You've hit your (session|5-hour) limit · resets \d{1,2}(:\d\d)?[ap]m \(UTC\)/);
    // The text alone (older versions stream no rate_limit_event) gives the same minute.
    expect(parseClaudeResetTime(outcome.text, new Date())?.getTime()).toBe(reset * 1000);
  });

  it('a usage limit more than a day away is printed with its date, and still parsed', async () => {
    const reset = Math.floor(Date.now() / 60_000) * 60 + 3 * 86_400 + 17 * 60;
    mock.script('marker-limit-week', [{ http: { status: 429, headers: { ...limitHeaders(reset), 'anthropic-ratelimit-unified-representative-claim': 'seven_day' }, body: rateLimitBody() } }]);
    const { outcome } = await turn('marker-limit-week', { auth: 'oauth' });
    expect(outcome).toMatchObject({ kind: 'usage-limit', resetAt: new Date(reset * 1000) });
    expect(outcome.text).toMatch(/You've hit your weekly limit · resets [A-Z][a-z]{2} \d{1,2}, /);
    expect(parseClaudeResetTime(outcome.text, new Date())?.getTime()).toBe(reset * 1000);
  });

  it('a 401 is auth, with what to run', async () => {
    mock.script('marker-401', [{ http: { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } } }]);
    const { outcome } = await turn('marker-401');
    expect(outcome.kind).toBe('auth');
    expect(outcome.message).toContain('type /login');
  });

  it('a CLI with no login at all is auth', async () => {
    const { outcome } = await turn('marker-none', { auth: 'none' });
    expect(outcome.kind).toBe('auth');
    expect(outcome.message).toMatchInlineSnapshot(`"Claude Code is not logged in or its credentials were refused (it said: "Not logged in · Please run /login"). Run \`claude\` in a terminal and type /login (or set CLAUDE_CODE_OAUTH_TOKEN from \`claude setup-token\`, or ANTHROPIC_API_KEY), then let ccx retry the turn."`);
  });

  it('a hung endpoint ends by ccx timeout, with no process left', async () => {
    mock.script('marker-hang', [{ hang: true }]);
    const started = Date.now();
    const { outcome, pgid } = await turn('marker-hang', { timeoutMs: 3_000 });
    expect(outcome).toMatchObject({ kind: 'timeout', timedOut: true });
    expect(Date.now() - started).toBeLessThan(3_000 + 1_000 + 4_000);
    expect(liveProcesses({ pgid })).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('bypassPermissions as root without IS_SANDBOX says to set it or use acceptEdits', async () => {
    const { outcome } = await turn('marker-bypass', { config: { permissionMode: 'bypassPermissions' } });
    expect(outcome.kind).toBe('error');
    expect(outcome.message).toMatchInlineSnapshot(`"Claude Code refused to run: its bypassPermissions mode does not run as root unless IS_SANDBOX=1 is set. Set IS_SANDBOX=1 in the environment ccx runs in (only inside a sandbox or container you trust), or set the implementer's permissionMode to acceptEdits in config.yaml."`);
  });
});

function limitHeaders(reset: number): Record<string, string> {
  return {
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': String(reset),
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
  };
}

function rateLimitBody() {
  return { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } };
}
