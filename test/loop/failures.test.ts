import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../src/agents/index.js';
import { parseRetryAfter } from '../../src/agents/limits/retry-after.js';
import { retryAt, LIMIT_BACKOFF_MAX_MS, LIMIT_BACKOFF_START_MS, MAX_LIMIT_WAIT_MS, MAX_STALLS_IN_A_ROW } from '../../src/loop/turn/limits.js';
import { loopFixture } from '../helpers/loop.js';
import { liveProcesses } from '../helpers/processes.js';
import { testdir } from '../helpers/testdir.js';

describe('runAttempt: turns that do not finish', () => {
  it('timeout: a hung reviewer is stopped with its whole group at the turn limit', async () => {
    const f = await loopFixture({ scenario: 'hang', turnTimeoutMs: 1_500 });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'timeout', mergeable: false, cycles: 1 });
    expect(result.message).toMatch(/^The review turn of cycle 1 \(command\) ended with timeout: The command agent ".*" ran past ccx's turn limit of 1500 ms and was stopped with its whole process group \(SIGTERM, then SIGKILL after 300 ms\)\. If turns need longer, raise CCX_TURN_TIMEOUT_MS\.$/);
    expect(f.groups).toHaveLength(2);
    expect(f.noProcessesLeft()).toBe(true);
    expect(await readFile(result.handoffPath, 'utf8')).toContain('- Exit: timeout — The review turn of cycle 1');
  });

  it('error: an implementer that crashes ends the attempt, saying how', async () => {
    const f = await loopFixture({ scenario: 'implementer-crash' });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'error', cycles: 1, verdicts: [] });
    expect(result.message).toMatch(/^The implement turn of cycle 1 \(command\) ended with error: The command agent ".*" exited with code 1 saying: "scripted-agent: crashing, as the scenario says"\. Its full output is in the turn's artifacts\.$/);
    expect(await readFile(join(f.input.runDir, 'c1-implement.err'), 'utf8')).toBe('scripted-agent: crashing, as the scenario says\n');
  });

  it('a reviewer answer that is neither verdict JSON nor a STATUS line is retried once, then one medium review-output-malformed finding', async () => {
    const f = await loopFixture({ scenario: 'garbage', task: { loops: 1 } });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'cycle-cap', cycles: 1, unresolved: [{ severity: 'medium', title: 'review-output-malformed' }] });
    expect(result.unresolved[0]?.recommendation).toMatchInlineSnapshot(`"What was wrong: its answer is neither the verdict JSON nor a first line "STATUS: DONE" / "STATUS: ISSUES_FOUND"; its first line is "}}} this is not a verdict {{{"."`);
    expect(f.eventsOf('turn.started').filter((event) => event.role === 'reviewer')).toHaveLength(2);
  });

  it('a plain STATUS: ISSUES_FOUND answer is one high finding; STATUS: DONE approves', async () => {
    const issues = await (await loopFixture({ scenario: 'status-issues', task: { loops: 1 } })).run();
    expect(issues).toMatchObject({ exit: 'cycle-cap', unresolved: [{ severity: 'high', title: 'The reviewer reported issues', body: 'The README is missing a usage section.' }] });
    expect((await (await loopFixture({ scenario: 'status-done' })).run()).exit).toBe('approved');
  });

  it('a grandchild that ignores SIGTERM is stopped with the turn, and the verdict still counts', async () => {
    const f = await loopFixture({ scenario: 'grandchild' });
    const result = await f.run();
    expect(result.exit).toBe('approved');
    const pids = [...(await readFile(join(f.input.runDir, 'c1-review.err'), 'utf8')).matchAll(/^grandchild (\d+)$/gm)].map((match) => Number(match[1]));
    expect(pids).toHaveLength(1);
    expect(liveProcesses({ pids })).toEqual([]);
  });

  it('cancelled: aborting mid-turn stops the agent group and ends the attempt cancelled, with a handoff', async () => {
    const f = await loopFixture({ scenario: 'implementer-hang' });
    const started = new Promise<void>((resolve) => {
      const onEvent = f.input.hooks.onEvent;
      f.input.hooks.onEvent = (event) => {
        onEvent(event);
        if (event.type === 'turn.started') setTimeout(resolve, 300);
      };
    });
    const running = f.run();
    await started;
    f.controller.abort();
    const result = await running;
    expect(result).toMatchObject({ exit: 'cancelled', mergeable: false });
    expect(result.message).toMatch(/^The implement turn of cycle 1 \(command\) ended with cancelled: The command agent ".*" was cancelled; its whole process group was stopped\.$/);
    expect(f.groups).toHaveLength(1);
    expect(f.noProcessesLeft()).toBe(true);
    expect(await readFile(result.handoffPath, 'utf8')).toContain('- Exit: cancelled');
  });
});

describe('runAttempt: usage limits', () => {
  it('waits for the reset and runs the same turn again: no cycle, no attempt spent', async () => {
    const f = await loopFixture({ scenario: 'limit-once' });
    const before = Date.now();
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 1, verdicts: [{ cycle: 1, verdict: 'approve' }] });
    expect(f.limitWaits).toHaveLength(1);
    const wait = f.limitWaits[0]!;
    expect(wait.agent).toBe('command');
    expect(wait.resetAt.getTime()).toBeGreaterThan(before + 500);
    expect(wait.resetAt.getTime()).toBeLessThan(Date.now() + 1_000);
    expect(wait.waitedMs).toBeGreaterThanOrEqual(500);
    expect(f.eventsOf('limit.paused')).toEqual([expect.objectContaining({ cycle: 1, role: 'reviewer', agent: 'command', kind: 'usage-limit', until: wait.resetAt.toISOString() })]);
    expect(f.eventsOf('limit.resumed')).toEqual([{ type: 'limit.resumed', cycle: 1, role: 'reviewer', agent: 'command' }]);
    expect(f.eventsOf('turn.started').map((event) => `${event.phase}#${event.try}`)).toEqual(['implement#1', 'review#1', 'review#2']);
    const ledger = JSON.parse(await readFile(join(f.input.runDir, 'ledger.json'), 'utf8'));
    expect(ledger.turns.map((turn: { phase: string; try: number; outcome: string }) => `${turn.phase}#${turn.try}:${turn.outcome}`)).toEqual(['implement#1:ok', 'review#1:usage-limit', 'review#2:ok']);
    expect(await readFile(join(f.input.runDir, 'c1-review.try2.out'), 'utf8')).toContain('"verdict": "approve"');
    expect(result.checkpoint.turns).toBe(2);
  });

  it('a cancel while waiting for a limit ends the attempt at once', async () => {
    const f = await loopFixture({ scenario: 'limit' });
    f.input.hooks.waitForLimit = (_agent, _resetAt, _message) => {
      setTimeout(() => f.controller.abort(), 100);
      return new Promise(() => undefined); // a wait that never ends by itself
    };
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'cancelled' });
    expect(result.message).toBe('The review turn of cycle 1 (command) ended with cancelled: The attempt was cancelled while it waited for a usage limit to lift.');
  });

  it('backs off when the agent gives no future reset time', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(retryAt(new Date('2026-01-01T00:05:00Z'), 1, now).toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(retryAt(new Date('2025-12-31T23:00:00Z'), 1, now).getTime() - now.getTime()).toBe(LIMIT_BACKOFF_START_MS);
    expect(retryAt(undefined, 3, now).getTime() - now.getTime()).toBe(4 * LIMIT_BACKOFF_START_MS);
    expect(retryAt(undefined, 30, now).getTime() - now.getTime()).toBe(LIMIT_BACKOFF_MAX_MS);
  });

  it('waits out a reset up to a year away and clamps one further (or past what a Date holds) to a year', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(retryAt(parseRetryAfter('retry-after: 2592000', now), 1, now).toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(retryAt(new Date('2036-01-01T00:00:00Z'), 1, now).getTime() - now.getTime()).toBe(MAX_LIMIT_WAIT_MS);
    expect(retryAt(parseRetryAfter('retry-after: 99999999999999999999999', now), 1, now).getTime() - now.getTime()).toBe(MAX_LIMIT_WAIT_MS);
  });
});

describe('runAttempt: codex quota and stalls (fake codex reviewer)', () => {
  const fakeCodex = fileURLToPath(new URL('../agents/fixtures/fake-codex.mjs', import.meta.url));
  const reviewer = (stallTimeoutMs = 20_000): AgentConfig => ({ type: 'codex', bin: fakeCodex, killGraceMs: 300, stallTimeoutMs });
  const scripted = async (script: string) => ({ FAKE_CODEX_SCRIPT: script, FAKE_CODEX_STATE: join(await testdir(), 'calls') });

  it('"Quota exceeded" pauses the agent with a backoff and runs the same review again: no attempt spent', async () => {
    const f = await loopFixture({ agents: { reviewer: reviewer() }, env: await scripted('quota,ok'), maxLimitWaitMs: 50 });
    const before = Date.now();
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 1 });
    expect(f.limitWaits).toHaveLength(1);
    expect(f.limitWaits[0]!.resetAt.getTime() - before).toBeGreaterThanOrEqual(LIMIT_BACKOFF_START_MS);
    expect(f.eventsOf('turn.finished').map((event) => `${event.phase}#${event.try}:${event.outcome}`)).toEqual(['implement#1:ok', 'review#1:usage-limit', 'review#2:ok']);
  });

  it('a stalled review is retried after a backoff as an outage, and recovers', async () => {
    const f = await loopFixture({ agents: { reviewer: reviewer(500) }, env: await scripted('unreachable,ok'), maxLimitWaitMs: 50 });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', cycles: 1 });
    expect(f.eventsOf('limit.paused')).toEqual([expect.objectContaining({ role: 'reviewer', agent: 'codex', kind: 'stalled' })]);
    expect(f.eventsOf('turn.finished').map((event) => `${event.phase}#${event.try}:${event.outcome}`)).toEqual(['implement#1:ok', 'review#1:stalled', 'review#2:ok']);
    expect(f.noProcessesLeft()).toBe(true);
  });

  it(`after ${MAX_STALLS_IN_A_ROW} stalls in a row the turn ends as a timeout`, async () => {
    const f = await loopFixture({ agents: { reviewer: reviewer(400) }, env: await scripted('unreachable'), maxLimitWaitMs: 50 });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'timeout', mergeable: false });
    expect(result.message).toContain(`It stalled ${MAX_STALLS_IN_A_ROW} times in a row, so ccx gave up on this turn`);
    expect(f.eventsOf('turn.finished').map((event) => event.outcome)).toEqual(['ok', 'stalled', 'stalled', 'timeout']);
    expect(f.noProcessesLeft()).toBe(true);
  });
});
