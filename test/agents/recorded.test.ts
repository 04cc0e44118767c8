import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyClaude } from '../../src/agents/claude/classify.js';
import { createClaudeStreamReader } from '../../src/agents/claude/stream.js';
import { classifyCodex } from '../../src/agents/codex/classify.js';
import { createCodexEventReader } from '../../src/agents/codex/events.js';
import type { OutcomeKind } from '../../src/agents/index.js';

/** Real stdout of claude 2.1.197 / 2.1.329 and codex 0.169.0 against the conformance mock. */
const RECORDED = fileURLToPath(new URL('./fixtures/recorded/', import.meta.url));
/** When the recordings were made; "resets 10:26pm" and "try again at 8:07 AM" read against it. */
const RECORDED_AT = new Date('2026-11-21T06:07:30Z');

function claude(file: string, exitCode: number) {
  const reader = createClaudeStreamReader();
  for (const line of readFileSync(`${RECORDED}${file}.jsonl`, 'utf8').split('\n')) reader.line(line);
  return { ...classifyClaude({ exitCode, signal: null, stderr: '' }, reader.state, { type: 'claude', bin: 'claude' }, RECORDED_AT), state: reader.state };
}

function codex(file: string, exitCode: number) {
  const reader = createCodexEventReader();
  for (const line of readFileSync(`${RECORDED}${file}.jsonl`, 'utf8').split('\n')) reader.line(line);
  return { ...classifyCodex({ exitCode, signal: null, stderr: '' }, reader.state, { type: 'codex', bin: 'codex' }, RECORDED_AT, 'UTC'), state: reader.state };
}

const CLAUDE_CASES: [string, number, OutcomeKind][] = [
  ['ok-write', 0, 'ok'],
  ['structured', 0, 'ok'],
  ['usage-limit-session', 1, 'usage-limit'],
  ['usage-limit-weekly', 1, 'usage-limit'],
  ['rate-limited-no-claim', 1, 'rate-limited'],
  ['overloaded-529', 1, 'overloaded'],
  ['auth-401', 1, 'auth'],
  ['not-logged-in', 1, 'auth'],
  ['max-turns', 1, 'max-turns'],
  ['prompt-too-long', 1, 'context'],
];

describe.each(['2.1.197', '2.1.329'])('recorded claude %s stream-json', (version) => {
  it.each(CLAUDE_CASES)('%s (exit %i) is %s', (name, exitCode, kind) => {
    expect(claude(`claude-${version}-${name}`, exitCode).kind).toBe(kind);
  });

  it('keeps session id, cost, tokens and the final text of a successful turn', () => {
    const { state } = claude(`claude-${version}-ok-write`, 0);
    expect(state.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.result).toMatchObject({ text: 'Done.', sessionId: state.sessionId, usage: { input: 200, output: 40 } });
    expect(state.result?.costUsd).toBeGreaterThan(0);
  });

  it('keeps the structured output of a --json-schema turn', () => {
    expect(claude(`claude-${version}-structured`, 0).state.result?.structuredOutput).toEqual({ verdict: 'approve', summary: 'ok' });
  });

  it('takes the reset time from rate_limit_event.resetsAt', () => {
    const session = claude(`claude-${version}-usage-limit-session`, 1);
    expect(session.resetAt).toEqual(new Date(1795300000 * 1000));
    expect(session.state.rateLimit).toMatchObject({ status: 'rejected', type: 'five_hour' });
  });
});

describe('recorded codex 0.169.0 --json', () => {
  it.each([
    ['review-ok', 0, 'ok'],
    ['usage-limit', 1, 'usage-limit'],
    ['usage-limit-days', 1, 'usage-limit'],
    ['usage-limit-later', 1, 'usage-limit'],
    ['rate-limited', 1, 'rate-limited'],
    ['server-500', 1, 'overloaded'],
    ['auth-401', 1, 'auth'],
    ['context', 1, 'context'],
  ] as [string, number, OutcomeKind][])('%s (exit %i) is %s', (name, exitCode, kind) => {
    expect(codex(`codex-0.169.0-${name}`, exitCode).kind).toBe(kind);
  });

  it('reads the reset time out of "try again at …" in codex local time', () => {
    expect(codex('codex-0.169.0-usage-limit', 1).resetAt).toEqual(new Date('2026-11-21T08:07:00Z'));
    expect(codex('codex-0.169.0-usage-limit-days', 1).resetAt).toEqual(new Date('2026-11-24T06:07:00Z'));
    expect(codex('codex-0.169.0-usage-limit-later', 1).resetAt).toBeUndefined();
  });

  it('keeps thread id, usage and the last agent message', () => {
    const { state } = codex('codex-0.169.0-review-ok', 0);
    expect(state).toMatchObject({ turnCompleted: true, lastAgentMessage: '{"verdict":"approve"}', usage: { input: 100, output: 20, cacheRead: 40, reasoning: 5 } });
    expect(state.threadId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is not ok on exit 0 without turn.completed', () => {
    const reader = createCodexEventReader();
    reader.line('{"type":"thread.started","thread_id":"t"}');
    expect(classifyCodex({ exitCode: 0, signal: null, stderr: 'boom' }, reader.state, { type: 'codex', bin: 'codex' }, RECORDED_AT).kind).toBe('error');
  });
});
