import { describe, expect, it } from 'vitest';
import { runGit } from '../helpers/gitdir.js';
import { startDaemon, world } from '../helpers/daemon.js';
import { agentsUnder, startNats, startRunner, withRunners } from './nats.js';

describe('one daemon, one runner', () => {
  it('runs a task on the runner through NATS and merges it once', { timeout: 120_000 }, async () => {
    const nats = await startNats();
    const target = await world({ tasks: [{ id: 'T-1', title: 'remote work', scope: ['src/**'], writes: { 'src/a.txt': 'from the runner\n' } }], env: { CCX_MAX_WORKERS: '4' } });
    const remote = await withRunners(target, nats);
    const runner = await startRunner(target, nats, 'r1');
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(90_000), `${daemon.output()}\n--- runner ---\n${runner.output()}`).toBe(0);
    expect((await target.row('T-1'))?.status, `${daemon.output()}\n--- runner ---\n${runner.output()}`).toBe('merged');
    expect(await target.git('show', 'main:src/a.txt')).toBe('from the runner\n');
    const events = await target.auditEvents();
    expect(events.filter((event) => event['event'] === 'runner.claimed').map((event) => event['runner'])).toEqual(['r1']);
    expect(events.filter((event) => event['event'] === 'merge.done')).toHaveLength(1);
    expect(events.some((event) => event['event'] === 'turn.finished')).toBe(true);
    // The runner's artifacts landed under runs/ like a local attempt's; the refs on the remote are gone.
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(`${target.paths.runs}/T-1/a1`)).length).toBeGreaterThan(0);
    expect(await runGit(remote, ['for-each-ref', 'refs/ccx'])).toBe('');
    runner.child.kill('SIGTERM');
    expect(await runner.exited()).toBe(0);
    expect(await agentsUnder(runner.cache)).toEqual([]);
  });
});
