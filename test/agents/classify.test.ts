import { describe, expect, it } from 'vitest';
import { classifyClaude } from '../../src/agents/claude/classify.js';
import { createClaudeStreamReader } from '../../src/agents/claude/stream.js';
import { classifyCodex } from '../../src/agents/codex/classify.js';
import { createCodexEventReader } from '../../src/agents/codex/events.js';

const NOW = new Date('2026-11-21T06:07:30Z');
const CLAUDE = { type: 'claude', bin: 'claude' } as const;

function claude(lines: object[], exit: { exitCode: number | null; stderr?: string }) {
  const reader = createClaudeStreamReader();
  for (const line of lines) reader.line(JSON.stringify(line));
  reader.line('not json at all');
  return classifyClaude({ exitCode: exit.exitCode, signal: null, stderr: exit.stderr ?? '' }, reader.state, CLAUDE, NOW);
}

const result = (fields: object) => ({ type: 'result', subtype: 'success', is_error: true, session_id: 's', ...fields });

describe('claude classification (AGENT-CLIS.md §5)', () => {
  it('says how to fix bypassPermissions as root', () => {
    const stderr = '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n';
    expect(claude([], { exitCode: 1, stderr })).toMatchInlineSnapshot(`
      {
        "kind": "error",
        "message": "Claude Code refused to run: its bypassPermissions mode does not run as root unless IS_SANDBOX=1 is set. Set IS_SANDBOX=1 in the environment ccx runs in (only inside a sandbox or container you trust), or set the implementer's permissionMode to acceptEdits in config.yaml.",
      }
    `);
  });

  it('says a session cannot be resumed from elsewhere', () => {
    expect(claude([], { exitCode: 1, stderr: 'No conversation found with session ID: 1234\n' }).message).toMatchInlineSnapshot(`"Claude Code has no session 1234 to resume in this worktree (sessions resume only from the directory they started in). Run the turn with a fresh session."`);
  });

  it('a bad flag is an error with the tail of stderr', () => {
    expect(claude([], { exitCode: 1, stderr: "error: unknown option '--bogus'\n" }).message).toMatchInlineSnapshot(`"Claude Code exited with code 1 saying: "error: unknown option '--bogus'". Its full output is in the turn's artifacts."`);
  });

  it.each([
    ['2.1.329 api_error', [result({ api_error_status: 429, api_error: 'usage_limit_reached', result: "You've hit your 5-hour limit · resets 7:36am (UTC)" })], 'usage-limit', '2026-11-21T07:36:00.000Z'],
    ['the CLI 1.0 form', [result({ result: 'Claude AI usage limit reached|1795300000' })], 'usage-limit', '2026-11-21T22:26:40.000Z'],
    ['a curly apostrophe', [result({ result: 'You’ve hit your Opus limit · resets Nov 24, 5:33am (UTC)' })], 'usage-limit', '2026-11-24T05:33:00.000Z'],
    ['a rejected rate_limit_event without a time in the text', [{ type: 'rate_limit_event', rate_limit_info: { status: 'rejected', resetsAt: 1795300000 } }, result({ api_error_status: 429, result: 'limited' })], 'usage-limit', '2026-11-21T22:26:40.000Z'],
    ['API-key 429', [result({ api_error_status: 429, result: 'API Error: Request rejected (429) · slow down' })], 'rate-limited', undefined],
    ['credit balance', [result({ result: 'Credit balance is too low' })], 'auth', undefined],
    ['an OAuth token that expired', [result({ api_error_status: 401, result: 'OAuth token has expired' })], 'auth', undefined],
    ['budget', [result({ subtype: 'error_max_budget_usd', errors: ['Reached maximum budget ($0.01)'] })], 'budget', undefined],
    ['connection refused', [result({ result: 'API Error: Unable to connect to API (ConnectionRefused)' })], 'error', undefined],
  ])('%s', (_name, lines, kind, resetAt) => {
    const classified = claude(lines, { exitCode: 1 });
    expect(classified.kind).toBe(kind);
    expect(classified.resetAt?.toISOString()).toBe(resetAt);
  });

  it('exit 0 with is_error false is ok even after a rejected rate_limit_event', () => {
    expect(claude([{ type: 'rate_limit_event', rate_limit_info: { status: 'rejected' } }, result({ is_error: false, result: 'done' })], { exitCode: 0 }).kind).toBe('ok');
  });

  it('a usage-limit message says when to retry', () => {
    expect(claude([result({ result: "You've hit your session limit · resets 7:33am (UTC)" })], { exitCode: 1 }).message).toMatchInlineSnapshot(`"Claude Code hit its usage limit (it said: "You've hit your session limit · resets 7:33am (UTC)"). This is not a failure. It resets at 2026-11-21T07:33:00.000Z; wait until then and run the same turn again."`);
  });
});

describe('codex classification (AGENT-CLIS.md §5)', () => {
  function codex(lines: object[], exit: { exitCode: number | null; stderr?: string }) {
    const reader = createCodexEventReader();
    for (const line of lines) reader.line(JSON.stringify(line));
    return classifyCodex({ exitCode: exit.exitCode, signal: null, stderr: exit.stderr ?? '' }, reader.state, { type: 'codex', bin: 'codex' }, NOW, 'UTC');
  }

  it('retry errors and error items are not failures', () => {
    const lines = [
      { type: 'thread.started', thread_id: 't' },
      { type: 'error', message: 'Reconnecting... 2/5' },
      { type: 'item.completed', item: { id: 'i', type: 'error', message: 'Model metadata for `x` not found' } },
      { type: 'turn.completed', usage: { input_tokens: 1, output_tokens: 1 } },
    ];
    expect(codex(lines, { exitCode: 0 }).kind).toBe('ok');
  });

  it.each([
    ['a straight apostrophe', "You've hit your usage limit. Try again at 7:34 AM.", 'usage-limit'],
    ['a missing key', 'Missing environment variable: `OPENAI_API_KEY`.', 'auth'],
    ['a 503', 'unexpected status 503 Service Unavailable', 'overloaded'],
    ['anything else', 'something odd', 'error'],
  ])('%s', (_name, message, kind) => {
    expect(codex([{ type: 'error', message }, { type: 'turn.failed', error: { message } }], { exitCode: 1 }).kind).toBe(kind);
  });

  it('a config error with no events reads stderr', () => {
    expect(codex([], { exitCode: 2, stderr: "error: unexpected argument '--full-auto' found\n" }).message).toMatchInlineSnapshot(`"Codex exited with code 2 saying: "error: unexpected argument '--full-auto' found". Its full output is in the turn's artifacts."`);
  });
});
