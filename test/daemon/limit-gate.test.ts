import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { LIMIT_BACKOFF_START_MS, LimitGate } from '../../src/daemon/limits/limit-gate.js';
import { MAX_LIMIT_WAIT_MS } from '../../src/loop/index.js';
import { startDaemon, waitFor, world } from '../helpers/daemon.js';

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

const DAY_MS = 24 * 60 * 60 * 1000;

describe('limits further away than a timer can hold (2^31-1 ms)', () => {
  it('a 40-day reset sleeps quietly: no TimeoutOverflowWarning, the pause says when', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const gate = new LimitGate({ paused: () => undefined, resumed: () => undefined });
    const controller = new AbortController();
    const until = new Date(Date.now() + 40 * DAY_MS);
    const waiting = gate.wait('codex', until, 'monthly quota', controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gate.paused().get('codex')).toEqual(until);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
  });

  it('a reset more than a year away is clamped to a year', () => {
    const gate = new LimitGate({ paused: () => undefined, resumed: () => undefined });
    const before = Date.now();
    void gate.wait('claude', new Date(before + 10 * 365 * DAY_MS), 'far', AbortSignal.abort()).catch(() => undefined);
    const until = gate.paused().get('claude')!.getTime();
    expect(until - before).toBeGreaterThanOrEqual(MAX_LIMIT_WAIT_MS);
    expect(until - Date.now()).toBeLessThanOrEqual(MAX_LIMIT_WAIT_MS);
  });
});

describe('the daemon with a monthly quota (`retry-after: 2592000`)', () => {
  it('sleeps quietly, shows the reset in STATUS.md, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'limited' }], scenario: { reviewer: { action: 'limit', retryAfter: '2592000' } } });
    const daemon = startDaemon(target);
    const line = await waitFor('STATUS.md to show the paused agent', async () => (await readFile(target.paths.status, 'utf8').catch(() => '')).split('\n').find((text) => text.startsWith('- command: usage limit, paused until')), 45_000, daemon);
    const until = Date.parse(/paused until (\S+)/.exec(line)?.[1] ?? '');
    expect(Math.abs(until - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);
    // Before: the overflowing timer fired at once, again and again (~450 KB of warnings every 4 s, 20 % CPU).
    const outputBefore = daemon.output().length;
    const cpuBefore = process.platform === 'linux' ? cpuTicks(daemon.child.pid!) : 0;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(daemon.output().slice(outputBefore)).not.toContain('TimeoutOverflowWarning');
    expect(daemon.output().length - outputBefore).toBeLessThan(2_000);
    if (process.platform === 'linux') expect(cpuTicks(daemon.child.pid!) - cpuBefore).toBeLessThan(50); // < 0.5 s of CPU in 2 s
    expect((await target.row('T-1'))?.status).toBe('running');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited(20_000)).toBe(0);
  });
});

/** utime + stime of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
