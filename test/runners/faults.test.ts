import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runGit } from '../helpers/gitdir.js';
import { startDaemon, waitFor, world, type World } from '../helpers/daemon.js';
import { agentsUnder, startNats, startRunner, withRunners } from './nats.js';

/** Reviews ask for a fix once, then approve: implement, review, fix, review. */
const FIX_ONCE = { reviewer: { action: 'approve-at', cycle: 2 } };

const count = async (target: World, name: string, task?: string) => (await target.auditEvents()).filter((event) => event['event'] === name && (task === undefined || event['task'] === task));

describe('runner faults', () => {
  it('kill -9 of a runner mid-turn: another runner continues from the last pushed turn, and the task merges once', { timeout: 180_000 }, async () => {
    const nats = await startNats();
    // The first review hangs (once: the count is shared by both runners), so the kill lands in it however late
    // the daemon's audit log shows it: with a review that merely took 1.5 s, a busy machine let the first
    // runner finish the whole attempt before the test saw the review start.
    const hangOnce = { reviewer: { action: 'hang', times: 1, then: FIX_ONCE.reviewer } };
    const target = await world({ tasks: [{ id: 'T-1', title: 'survives its runner', scope: ['src/**'], writes: { 'src/a.txt': 'a\n' }, delayMs: 500 }], scenario: hangOnce, env: { CCX_MAX_WORKERS: '4' } });
    const remote = await withRunners(target, nats);
    const scripted = { CCX_SCRIPTED_STATE: join(target.paths.stateDir, 'scripted-count.json') };
    const first = await startRunner(target, nats, 'first', { slots: 1, env: scripted });
    const daemon = startDaemon(target);
    // After the implement turn is pushed, while the review turn runs.
    await waitFor('the review turn on the first runner', async () => (await count(target, 'turn.started', 'T-1')).some((event) => event['phase'] === 'review'), 90_000, daemon);
    // turn.started goes out just before the agent is spawned: wait for the hanging reviewer's process itself.
    await waitFor('the first runner\'s reviewer to hang', async () => (await agentsUnder(first.cache)).length === 1, 30_000, daemon);
    first.child.kill('SIGKILL');
    const second = await startRunner(target, nats, 'second', { slots: 1, env: scripted });
    await waitFor('T-1 to merge', async () => (await target.row('T-1'))?.status === 'merged', 120_000, daemon);
    const claimed = await count(target, 'runner.claimed', 'T-1');
    const story = `${(await target.auditEvents()).map((event) => JSON.stringify(event)).join('\n')}\n--- first runner ---\n${first.output()}\n--- second runner ---\n${second.output()}`;
    expect(claimed.map((event) => [event['runner'], event['delivery']]), story).toEqual([['first', 1], ['second', 2]]);
    // The second runner did not implement again: its first turn was the review the first one was cut off in.
    const turns = (await count(target, 'turn.started', 'T-1')).map((event) => event['phase']);
    expect(turns.filter((phase) => phase === 'implement')).toHaveLength(1);
    expect(await count(target, 'merge.done', 'T-1')).toHaveLength(1);
    expect(await target.git('show', 'main:src/a.txt')).toBe('a\n');
    await waitFor('the task\'s refs to leave the remote', async () => (await runGit(remote, ['for-each-ref', 'refs/ccx'])) === '', 30_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
    second.child.kill('SIGTERM');
    expect(await second.exited()).toBe(0);
    expect(await agentsUnder(second.cache)).toEqual([]);
  });

  it('nats-server killed and restarted mid-run: nothing is lost or duplicated', { timeout: 180_000 }, async () => {
    const nats = await startNats();
    const tasks = [1, 2].map((n) => ({ id: `T-${n}`, title: `task ${n}`, scope: [`p${n}/**`], writes: { [`p${n}/f.txt`]: `${n}\n` }, delayMs: 1000 }));
    const target = await world({ tasks, scenario: FIX_ONCE, env: { CCX_MAX_WORKERS: '4' } });
    await withRunners(target, nats);
    const runner = await startRunner(target, nats, 'only', { slots: 2 });
    const daemon = startDaemon(target, ['--once']);
    await waitFor('a first turn to finish', async () => (await count(target, 'turn.finished')).length > 0, 90_000, daemon);
    await nats.kill();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await nats.restart();
    expect(await daemon.exited(150_000), `${daemon.output()}\n--- runner ---\n${runner.output()}`).toBe(0);
    for (const task of tasks) expect((await target.row(task.id))?.status, runner.output()).toBe('merged');
    expect((await count(target, 'merge.done')).length).toBe(2);
    // Every review verdict arrived once per cycle and task, none twice.
    const verdicts = (await count(target, 'review.verdict')).map((event) => `${String(event['task'])}/${String(event['cycle'])}`);
    expect(new Set(verdicts).size).toBe(verdicts.length);
  });

  it('the daemon killed mid-run: a restarted daemon re-attaches to the runner\'s attempt and merges it once', { timeout: 180_000 }, async () => {
    const nats = await startNats();
    const target = await world({ tasks: [{ id: 'T-1', title: 'outlives its daemon', scope: ['src/**'], writes: { 'src/a.txt': 'a\n' }, delayMs: 1500 }], scenario: FIX_ONCE, env: { CCX_MAX_WORKERS: '4' } });
    await withRunners(target, nats);
    const runner = await startRunner(target, nats, 'steady', { slots: 1 });
    const first = startDaemon(target);
    await waitFor('the review turn', async () => (await count(target, 'turn.started', 'T-1')).some((event) => event['phase'] === 'review'), 90_000, first);
    first.child.kill('SIGKILL');
    await first.exited();
    const second = startDaemon(target, ['--once']);
    expect(await second.exited(150_000), `${second.output()}\n--- runner ---\n${runner.output()}`).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('merged');
    expect(await count(target, 'merge.done', 'T-1')).toHaveLength(1);
    expect((await count(target, 'runner.claimed', 'T-1')).map((event) => event['delivery'])).toEqual([1, 1]);
    const verdicts = (await count(target, 'review.verdict', 'T-1')).map((event) => String(event['cycle']));
    expect(new Set(verdicts).size).toBe(verdicts.length);
  });

  it('a runner that cannot fetch says exactly that, in the audit log and STATUS.md', { timeout: 120_000 }, async () => {
    const nats = await startNats();
    const target = await world({ tasks: [{ id: 'T-1', title: 'unreachable', scope: ['src/**'] }], maxAttempts: 1, env: { CCX_MAX_WORKERS: '4' } });
    const remote = await withRunners(target, nats);
    // This runner's git sees the remote under another path, where nothing is.
    await startRunner(target, nats, 'cutoff', { slots: 1, env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.${remote}-missing.insteadOf`, GIT_CONFIG_VALUE_0: remote } });
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(90_000), daemon.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('failed');
    const failed = await count(target, 'runner.failed', 'T-1');
    expect(failed.map((event) => [event['runner'], event['step']])).toEqual([['cutoff', 'fetch']]);
    expect(String(failed[0]?.['reason'])).toContain('runner cutoff could not fetch');
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(target.paths.status, 'utf8')).toContain('runner cutoff could not fetch');
  });

  it('a usage limit pauses that agent on that runner only: the same turn runs again there, no attempt spent', { timeout: 120_000 }, async () => {
    const nats = await startNats();
    const scenario = { implementer: { action: 'limit', retryAfter: '1', times: 1, then: { action: 'edit', files: { '*': { 'src/a.txt': 'a\n' } } } } };
    const target = await world({ tasks: [{ id: 'T-1', title: 'limited once', scope: ['src/**'] }], scenario, env: { CCX_MAX_WORKERS: '4' } });
    await withRunners(target, nats);
    await startRunner(target, nats, 'limited', { slots: 1 });
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(90_000), daemon.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('merged');
    expect((await target.row('T-1'))?.attempts).toBe(1);
    const paused = await count(target, 'limit.paused', 'T-1');
    expect(paused).toHaveLength(1);
    expect(String(paused[0]?.['reason'])).toContain('on runner limited');
    expect(await count(target, 'limit.resumed', 'T-1')).toHaveLength(1);
  });

  it('cancel reaches the runner: its agent stops within 5 s and the task ends cancelled', { timeout: 120_000 }, async () => {
    const nats = await startNats();
    const target = await world({ tasks: [{ id: 'T-1', title: 'cancel me', scope: ['src/**'], delayMs: 60_000 }], env: { CCX_MAX_WORKERS: '4' } });
    await withRunners(target, nats);
    const runner = await startRunner(target, nats, 'busy', { slots: 1 });
    const daemon = startDaemon(target);
    await waitFor('the agent to run on the runner', async () => (await agentsUnder(runner.cache)).length > 0, 90_000, daemon);
    await waitFor('ccx status to list the runner', async () => {
      const status = JSON.parse((await runCli(['status', '--json'], { cwd: target.repo, env: target.env })).stdout) as { repos: Array<{ runners?: Array<{ name: string; slots: number; last_heartbeat: string }> }> };
      return status.repos[0]?.runners?.some((entry) => entry.name === 'busy' && entry.slots === 1 && entry.last_heartbeat !== '');
    }, 30_000, daemon);
    const cancel = await runCli(['cancel', 'T-1'], { cwd: target.repo, env: target.env });
    expect(cancel.exitCode, cancel.stderr).toBe(0);
    const cancelledAt = Date.now();
    await waitFor('the runner\'s agent to stop', async () => (await agentsUnder(runner.cache)).length === 0, 10_000, daemon);
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    await waitFor('T-1 to end cancelled', async () => (await count(target, 'task.finished', 'T-1')).length > 0, 30_000, daemon);
    expect((await target.row('T-1'))?.status).toBe('cancelled');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('a redelivery to the runner that still runs the attempt supersedes its own older run: merged once', { timeout: 180_000 }, async () => {
    const nats = await startNats();
    const target = await world({ tasks: [{ id: 'T-1', title: 'redelivered here', scope: ['src/**'], writes: { 'src/a.txt': 'a\n' }, delayMs: 2500 }], scenario: FIX_ONCE, env: { CCX_MAX_WORKERS: '4' } });
    await withRunners(target, nats);
    const only = await startRunner(target, nats, 'only', { slots: 2 });
    const daemon = startDaemon(target, ['--once']);
    await waitFor('the first turn', async () => (await count(target, 'turn.started', 'T-1')).length > 0, 90_000, daemon);
    // Frozen past the ack wait (3 s): JetStream redelivers, and this runner's free slot takes it.
    only.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    only.child.kill('SIGCONT');
    const all = { ...daemon, output: () => `${daemon.output()}\n--- runner ---\n${only.output()}` };
    expect(await daemon.exited(150_000), all.output()).toBe(0);
    expect((await target.row('T-1'))?.status, only.output()).toBe('merged');
    expect(await count(target, 'merge.done', 'T-1')).toHaveLength(1);
    expect((await count(target, 'runner.claimed', 'T-1')).map((event) => event['delivery']), only.output()).toContain(2);
  });

  it('a stale runner\'s late events are ignored', { timeout: 180_000 }, async () => {
    const nats = await startNats();
    const target = await world({ tasks: [{ id: 'T-1', title: 'two deliveries', scope: ['src/**'], writes: { 'src/a.txt': 'a\n' }, delayMs: 2500 }], scenario: FIX_ONCE, env: { CCX_MAX_WORKERS: '4' } });
    await withRunners(target, nats);
    const slow = await startRunner(target, nats, 'slow', { slots: 1 });
    const daemon = startDaemon(target);
    await waitFor('the first turn on the slow runner', async () => (await count(target, 'turn.started', 'T-1')).length > 0, 90_000, daemon);
    // Cut off: no in-progress acks, so JetStream redelivers to the other runner after the ack wait.
    slow.child.kill('SIGSTOP');
    const fresh = await startRunner(target, nats, 'fresh', { slots: 1 });
    await waitFor('the fresh runner to claim it', async () => (await count(target, 'runner.claimed', 'T-1')).some((event) => event['runner'] === 'fresh'), 60_000, daemon);
    slow.child.kill('SIGCONT');
    const all = { ...daemon, output: () => `${daemon.output()}\n--- slow ---\n${slow.output()}\n--- fresh ---\n${fresh.output()}` };
    await waitFor('T-1 to merge', async () => (await target.row('T-1'))?.status === 'merged' || (await target.row('T-1'))?.status === 'failed', 120_000, all);
    expect((await target.row('T-1'))?.status, `${JSON.stringify(await target.auditEvents(), null, 0)}\n${slow.output()}\n${fresh.output()}`).toBe('merged');
    expect(await count(target, 'merge.done', 'T-1')).toHaveLength(1);
    await waitFor('the slow runner\'s late events to be ignored', async () => (await count(target, 'runner.stale', 'T-1')).some((event) => event['runner'] === 'slow'), 30_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
    fresh.child.kill('SIGTERM');
    await fresh.exited();
  });
});
