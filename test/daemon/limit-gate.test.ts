import { describe, expect, it } from 'vitest';
import { LIMIT_BACKOFF_START_MS, LimitGate } from '../../src/daemon/limits/limit-gate.js';

describe('the usage-limit gate', () => {
  it('pauses an agent until the reset it heard of, then resumes it', async () => {
    const events: string[] = [];
    const gate = new LimitGate({ paused: (agent, until) => events.push(`paused ${agent} ${until.getTime() > Date.now()}`), resumed: (agent) => events.push(`resumed ${agent}`) });
    const started = Date.now();
    const waiting = gate.wait('claude', new Date(started + 300), 'limit', new AbortController().signal);
    expect([...gate.paused().keys()]).toEqual(['claude']);
    await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(events).toEqual(['paused claude true', 'resumed claude']);
    expect(gate.paused().size).toBe(0);
  });

  it('backs off when the limit gave no reset, and a cancel ends the wait', async () => {
    let now = 1_000_000;
    const gate = new LimitGate({ paused: () => undefined, resumed: () => undefined }, () => now);
    const controller = new AbortController();
    const waiting = gate.wait('codex', null, 'limit', controller.signal);
    expect(gate.paused().get('codex')?.getTime()).toBe(now + LIMIT_BACKOFF_START_MS);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    now += 1_000;
    void gate.wait('codex', null, 'again', controller.signal).catch(() => undefined);
    expect(gate.paused().get('codex')?.getTime()).toBe(now + 2 * LIMIT_BACKOFF_START_MS);
  });
});
