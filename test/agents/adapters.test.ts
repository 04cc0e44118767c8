import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgent, isProcessGroupAlive } from '../../src/agents/index.js';
import type { AgentConfig, TurnRequest } from '../../src/agents/index.js';
import { isCcxError } from '../../src/errors.js';
import { AGENT_FIXTURES, liveProcesses } from '../helpers/processes.js';
import { testdir } from '../helpers/testdir.js';

async function turn(config: AgentConfig, request: Partial<TurnRequest> = {}) {
  let pgid = 0;
  const worktree = await testdir({ 'README.md': '# x\n' });
  const outcome = await createAgent({ killGraceMs: 300, ...config }).runTurn({
    role: 'reviewer',
    prompt: 'review this',
    worktree,
    model: 'm',
    effort: 'high',
    timeoutMs: 10_000,
    scratchDir: await testdir(),
    onSpawn: (group) => (pgid = group.pgid),
    ...request,
  });
  if (pgid !== 0) expect(liveProcesses({ pgid })).toEqual([]);
  return { outcome, worktree, pgid };
}

const echo = (env: Record<string, string> = {}): AgentConfig => ({ type: 'command', argv: [process.execPath, join(AGENT_FIXTURES, 'echo.mjs')], baseEnv: { ...process.env, ...env } });

describe('command agent (SPEC 8)', () => {
  it('runs in the worktree with the prompt on stdin and the CCX_* variables; JSON stdout is structured', async () => {
    const { outcome, worktree } = await turn(echo(), { env: { CCX_TASK_ID: 'T-7', CCX_CYCLE: '2' } });
    expect(outcome).toMatchObject({ kind: 'ok', message: '', exitCode: 0, signal: null, timedOut: false, canceled: false });
    expect(outcome.structured).toEqual({
      input: 'review this',
      cwd: worktree,
      env: expect.objectContaining({ CCX_ROLE: 'reviewer', CCX_MODEL: 'm', CCX_EFFORT: 'high', CCX_WORKTREE: worktree, CCX_TASK_ID: 'T-7', CCX_CYCLE: '2', CCX_AGENT_TOKEN: expect.any(String) }),
    });
    expect(outcome.text).toBe(outcome.stdout);
    expect(outcome.durationMs).toBeGreaterThan(0);
  });

  it('exit 75 is a usage limit with the retry-after time', async () => {
    const { outcome } = await turn(echo({ ECHO_EXIT: '75', ECHO_STDERR: 'quota used up\nretry-after: 2030-01-01T00:00:00Z\n' }));
    expect(outcome).toMatchObject({ kind: 'usage-limit', exitCode: 75, resetAt: new Date('2030-01-01T00:00:00Z') });
    expect(outcome.message).toMatchInlineSnapshot(`"The command agent "${process.execPath}" hit its usage limit (it said: "quota used up"). This is not a failure. It resets at 2030-01-01T00:00:00.000Z; wait until then and run the same turn again."`);
  });

  it('another exit is an error with the tail of stderr', async () => {
    const { outcome } = await turn(echo({ ECHO_EXIT: '3', ECHO_STDERR: 'line 1\nTypeError: boom\n' }));
    expect(outcome.kind).toBe('error');
    expect(outcome.message.replace(process.execPath, 'node')).toMatchInlineSnapshot(`"The command agent "node" exited with code 3 saying: "line 1 TypeError: boom". Its full output is in the turn's artifacts."`);
  });

  it('a missing program says to fix argv', async () => {
    const { outcome } = await turn({ type: 'command', argv: ['ccx-no-such-agent', 'x'] });
    expect(outcome).toMatchObject({ kind: 'error', exitCode: null });
    expect(outcome.message).toMatchInlineSnapshot(`"The command agent could not start: "ccx-no-such-agent" was not found. Fix the agent's argv in config.yaml: its first item must be a program on PATH or an absolute path to an executable file."`);
  });

  it('an empty argv is a config error', () => {
    expect(() => createAgent({ type: 'command', argv: [] })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    try {
      createAgent({ type: 'command', argv: [] });
    } catch (error) {
      expect(isCcxError(error, 'CONFIG_INVALID')).toBe(true);
    }
  });
});

describe('missing CLIs', () => {
  it('claude: names the binary, the variable and the install command', async () => {
    const { outcome } = await turn({ type: 'claude', bin: '/opt/nowhere/claude' });
    expect(outcome).toMatchObject({ kind: 'error', exitCode: null, text: '' });
    expect(outcome.message).toMatchInlineSnapshot(`"Claude Code could not start: the binary "/opt/nowhere/claude" was not found. Install it with \`npm install -g @anthropic-ai/claude-code\`, or set CCX_CLAUDE_BIN to the full path of the claude binary."`);
  });

  it('codex: names the binary, the variable and the install command', async () => {
    const { outcome } = await turn({ type: 'codex', bin: 'ccx-no-such-codex' });
    expect(outcome.message).toMatchInlineSnapshot(`"Codex could not start: the binary "ccx-no-such-codex" was not found. Install it with \`npm install -g @openai/codex\`, or set CCX_CODEX_BIN to the full path of the codex binary."`);
  });

  it('a worktree that is gone is named as such, not as a missing binary', async () => {
    const { outcome } = await turn({ type: 'codex', bin: process.execPath }, { worktree: '/nonexistent/ccx/worktree' });
    expect(outcome.message).toMatchInlineSnapshot(`"Codex could not start: its working directory /nonexistent/ccx/worktree does not exist. Recreate the worktree (or let ccx dispatch the task again)."`);
  });
});

describe('ccx stops a turn', () => {
  const forever = join(AGENT_FIXTURES, 'forever.mjs');

  it.each(['claude', 'codex'] as const)('%s past its wall clock: timeout, group gone', async (type) => {
    const { outcome, pgid } = await turn({ type, bin: forever }, { timeoutMs: 400 });
    expect(outcome).toMatchObject({ kind: 'timeout', timedOut: true, canceled: false, exitCode: null, signal: 'SIGTERM' });
    expect(isProcessGroupAlive(pgid)).toBe(false);
    expect(outcome.message).toContain('ran past ccx\'s turn limit of 400 ms');
  });

  it('a cancelled turn: cancelled, group gone', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const { outcome } = await turn({ type: 'command', argv: [forever] }, { signal: controller.signal });
    expect(outcome).toMatchObject({ kind: 'cancelled', canceled: true, timedOut: false });
    expect(outcome.message).toMatchInlineSnapshot(`"The command agent "${forever}" was cancelled; its whole process group was stopped."`);
  });

  it('the timeout message says what to raise', async () => {
    const { outcome } = await turn({ type: 'command', argv: [forever] }, { timeoutMs: 1_000 });
    expect(outcome.message.replace(forever, 'forever.mjs')).toMatchInlineSnapshot(`"The command agent "forever.mjs" ran past ccx's turn limit of 1 s and was stopped with its whole process group (SIGTERM, then SIGKILL after 300 ms). If turns need longer, raise CCX_TURN_TIMEOUT_MS."`);
  });
});

describe('codex quota and outages (fake codex printing 0.169 events)', () => {
  const fakeCodex = join(AGENT_FIXTURES, 'fake-codex.mjs');
  const codex = (script: string, extra: Partial<AgentConfig> = {}): AgentConfig => ({ type: 'codex', bin: fakeCodex, baseEnv: { ...process.env, FAKE_CODEX_SCRIPT: script }, ...extra }) as AgentConfig;

  it('"Quota exceeded. Check your plan and billing details." is a usage limit with no reset time (back off)', async () => {
    const { outcome } = await turn(codex('quota'));
    expect(outcome).toMatchObject({ kind: 'usage-limit', exitCode: 1, resetAt: undefined });
    expect(outcome.message).toMatchInlineSnapshot(`"Codex hit its usage limit (it said: "Quota exceeded. Check your plan and billing details."). This is not a failure. It gave no reset time, so back off and retry."`);
  });

  it('an endpoint it cannot reach: reconnect events do not count as progress; the turn stalls and the group is stopped', async () => {
    const started = Date.now();
    const { outcome, pgid } = await turn(codex('unreachable', { stallTimeoutMs: 600 }), { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ kind: 'stalled', timedOut: false, canceled: false, exitCode: null });
    expect(outcome.stdout).toContain('Reconnecting... 3/5');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isProcessGroupAlive(pgid)).toBe(false);
    expect(outcome.message).toMatchInlineSnapshot(`"Codex printed no output event for 600 ms (CCX_STALL_TIMEOUT_MS) and was stopped with its whole process group. This looks like an outage (an API it cannot reach), not a failure of the task: ccx backs off and runs the same turn again."`);
  });

  it('a command agent that prints nothing stalls too; one that keeps printing does not', async () => {
    const forever = join(AGENT_FIXTURES, 'forever.mjs');
    const silent = await turn({ type: 'command', argv: [forever], stallTimeoutMs: 400 }, { timeoutMs: 20_000 });
    expect(silent.outcome.kind).toBe('stalled');
    const chatty = await turn({ type: 'command', argv: [process.execPath, '-e', "let n = 0; const t = setInterval(() => { console.log('tick'); if (++n === 8) { clearInterval(t); } }, 100)"], stallTimeoutMs: 400 });
    expect(chatty.outcome.kind).toBe('ok');
  });
});
