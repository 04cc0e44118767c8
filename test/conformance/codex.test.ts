import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, isProcessGroupAlive } from '../../src/agents/index.js';
import type { TurnRequest } from '../../src/agents/index.js';
import { gitdir } from '../helpers/gitdir.js';
import { liveProcesses } from '../helpers/processes.js';
import { testdir } from '../helpers/testdir.js';
import { CODEXES, cliTitle, codexEnv, isolatedHome } from './clis.js';
import { startMockModel } from './mock-server/server.js';
import type { MockModel } from './mock-server/server.js';
import { VERDICT_SCHEMA } from '../../src/loop/verdict/schema.js';


// Once per installed release (pinned and latest): the same expectations, so a release that behaves
// otherwise fails under a name that gives its version.
for (const CODEX of CODEXES.length > 0 ? CODEXES : [undefined]) describe.skipIf(CODEX === undefined)(`${cliTitle('codex', CODEX)} against a mock model`, () => {
  let mock: MockModel;
  let home: Awaited<ReturnType<typeof isolatedHome>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    mock = await startMockModel();
    home = await isolatedHome();
    env = await codexEnv(home.home, mock.openAiUrl, true, CODEX?.path);
  });
  afterAll(async () => {
    await mock.close();
    await home.remove();
  });

  async function turn(marker: string, request: Partial<TurnRequest> & { baseEnv?: Record<string, string> } = {}) {
    const { baseEnv = env, ...rest } = request;
    const agent = createAgent({ type: 'codex', bin: CODEX?.bin ?? 'codex', killGraceMs: 1_000, baseEnv });
    const scratchDir = await testdir();
    let pgid = 0;
    const outcome = await agent.runTurn({
      role: 'reviewer',
      prompt: `${marker}\nReview the change.`,
      worktree: rest.worktree ?? (await gitdir()),
      model: 'gpt-5.5',
      effort: 'high',
      timeoutMs: 60_000,
      scratchDir,
      onSpawn: (group) => (pgid = group.pgid),
      ...rest,
    });
    expect(isProcessGroupAlive(pgid)).toBe(false);
    expect(await readdir(scratchDir)).toEqual([]); // schema and -o files are cleaned up
    return { outcome, pgid, agent };
  }

  it('a review turn returns the verdict ccx parses, from the -o file', async () => {
    const verdict = {
      verdict: 'needs-attention',
      summary: 'One off-by-one.',
      findings: [{ severity: 'high', title: 'range() drops its last element', body: 'i < end', file: 'src/range.js', line_start: 3, line_end: 3, confidence: 0.9, recommendation: 'Use i <= end.' }],
      next_steps: ['Fix the loop bound.'],
    };
    mock.script('marker-review', [{ json: verdict }]);
    const { outcome } = await turn('marker-review', { outputSchema: VERDICT_SCHEMA });
    expect(outcome).toMatchObject({ kind: 'ok', exitCode: 0, structured: verdict, tokens: { input: 100, output: 20, cacheRead: 40, reasoning: 5 } });
    expect(outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const request = mock.requests.at(-1);
    expect(request?.body?.['text']).toMatchObject({ format: { type: 'json_schema', strict: true, schema: VERDICT_SCHEMA } });
    expect(JSON.parse(String(request?.headers['x-codex-turn-metadata']))).toMatchObject({ sandbox_mode: 'read-only', reasoning_effort: 'high' });
  });

  it('an implement turn writes in the worktree, and a resumed turn keeps model, sandbox and its own token count', async () => {
    const worktree = await gitdir();
    mock.script('marker-implement', [{ patch: '*** Begin Patch\n*** Add File: hello.txt\n+hello from codex\n*** End Patch\n' }, { text: 'Added hello.txt.' }]);
    const first = await turn('marker-implement', { role: 'implementer', worktree, effort: 'max' });
    expect(first.outcome).toMatchObject({ kind: 'ok', text: 'Added hello.txt.', tokens: { input: 200, output: 40 } });
    expect(await readFile(join(worktree, 'hello.txt'), 'utf8')).toBe('hello from codex\n');

    mock.script('marker-resume', [{ tool: { name: 'exec_command', input: { cmd: "printf 'again\\n' >> hello.txt" } } }, { text: 'Appended.' }]);
    const thread = first.outcome.sessionId ?? '';
    const progress: string[] = [];
    const resumed = await first.agent.runTurn({
      onProgress: (line) => progress.push(line),
      role: 'implementer', prompt: 'marker-resume\nAppend a line.', worktree, model: 'gpt-5.5', effort: 'low',
      session: { id: thread, resume: true }, timeoutMs: 60_000, scratchDir: await testdir(),
    });
    expect(resumed).toMatchObject({ kind: 'ok', text: 'Appended.', sessionId: thread, tokens: { input: 200, output: 40 } });
    expect(await readFile(join(worktree, 'hello.txt'), 'utf8')).toBe('hello from codex\nagain\n');
    expect(progress).toEqual([expect.stringMatching(/^codex: ran .*again.*\(exit 0\)$/), 'codex: Appended.']);
    const metadata = JSON.parse(String(mock.requests.at(-1)?.headers['x-codex-turn-metadata']));
    expect(metadata).toMatchObject({ sandbox_mode: 'workspace-write', reasoning_effort: 'low', thread_id: thread });
  });

  it('a usage limit (429 usage_limit_reached) is usage-limit with the reset time', async () => {
    const reset = Math.floor(Date.now() / 60_000) * 60 + 2 * 3600 + 7 * 60;
    mock.script('marker-limit', [{ http: { status: 429, body: { error: { type: 'usage_limit_reached', plan_type: 'plus', resets_at: reset } } } }]);
    const { outcome } = await turn('marker-limit', { outputSchema: VERDICT_SCHEMA });
    expect(outcome).toMatchObject({ kind: 'usage-limit', resetAt: new Date(reset * 1000) });
    expect(outcome.structured).toBeUndefined(); // -o is not trusted on failure
    expect(outcome.message).toContain('try again at');
  });

  it('a usage limit days away is printed with its date, and still parsed', async () => {
    const reset = Math.floor(Date.now() / 60_000) * 60 + 4 * 86_400 + 11 * 60;
    mock.script('marker-limit-days', [{ http: { status: 429, body: { error: { type: 'usage_limit_reached', plan_type: 'plus', resets_at: reset } } } }]);
    const { outcome } = await turn('marker-limit-days');
    expect(outcome).toMatchObject({ kind: 'usage-limit', resetAt: new Date(reset * 1000) });
    expect(outcome.message).toMatch(/try again at [A-Z][a-z]{2} \d{1,2}(st|nd|rd|th), \d{4} /);
  });

  it('a 401 is auth, with what to run', async () => {
    mock.script('marker-401', [{ http: { status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } } }]);
    const { outcome } = await turn('marker-401');
    expect(outcome.kind).toBe('auth');
    expect(outcome.message).toContain('Run `codex login`');
  });

  it('a missing API key variable is auth', async () => {
    const { MOCK_API_KEY: _omitted, ...withoutKey } = env;
    const { outcome } = await turn('marker-nokey', { baseEnv: withoutKey });
    expect(outcome.kind).toBe('auth');
    expect(outcome.message).toContain('Missing environment variable');
  });

  it('a hung endpoint ends by ccx timeout, with no process left', async () => {
    mock.script('marker-hang', [{ hang: true }]);
    const started = Date.now();
    const { outcome, pgid } = await turn('marker-hang', { timeoutMs: 3_000 });
    expect(outcome).toMatchObject({ kind: 'timeout', timedOut: true });
    expect(Date.now() - started).toBeLessThan(3_000 + 1_000 + 4_000);
    expect(liveProcesses({ pgid })).toEqual([]);
  });
});
