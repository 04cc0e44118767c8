import { describe, expect, it } from 'vitest';
import { runGit } from '../helpers/gitdir.js';
import { processesOf, startDaemon, world, type TaskSpec } from '../helpers/daemon.js';
import { agentsUnder, startNats, startRunner, withRunners } from './nats.js';

describe('one daemon and three runners', () => {
  it('run 12 tasks (overlapping scopes, depends_on, a fix turn each) and every task merges exactly once', { timeout: 400_000 }, async () => {
    const nats = await startNats();
    const tasks: TaskSpec[] = [
      { id: 'T-1', title: 'api', scope: ['api/**'], writes: { 'api/a.txt': 'a\n' } },
      { id: 'T-2', title: 'api tests', scope: ['api/**/*.test.txt'], writes: { 'api/a.test.txt': 't\n' } },
      { id: 'T-3', title: 'docs', scope: ['docs/'], writes: { 'docs/guide.txt': 'g\n' } },
      { id: 'T-4', title: 'docs index', scope: ['docs/index.txt'], writes: { 'docs/index.txt': 'i\n' } },
      { id: 'T-5', title: 'cli', scope: ['cli/**'], writes: { 'cli/main.txt': 'm\n' } },
      { id: 'T-6', title: 'after api and cli', scope: ['glue/**'], dependsOn: ['T-1', 'T-5'], writes: { 'glue/x.txt': 'x\n' } },
      { id: 'T-7', title: 'after glue', scope: ['glue2/**'], dependsOn: ['T-6'], writes: { 'glue2/y.txt': 'y\n' } },
      // Two tasks on the same file, the second after the first.
      { id: 'T-8', title: 'shared one', scope: ['shared.txt', 'one/**'], writes: { 'shared.txt': 'one\n' } },
      { id: 'T-9', title: 'shared two', scope: ['shared.txt', 'two/**'], dependsOn: ['T-8'], writes: { 'shared.txt': 'two\n' } },
      { id: 'T-10', title: 'low', scope: ['low/**'], priority: 'low', writes: { 'low/l.txt': 'l\n' } },
      { id: 'T-11', title: 'after low', scope: ['low2/**'], dependsOn: ['T-10'], writes: { 'low2/l.txt': 'l\n' } },
      { id: 'T-12', title: 'misc', scope: ['misc/**'], writes: { 'misc/m.txt': 'm\n' } },
    ];
    // Every review asks for one fix first: each task has an implement, a review, a fix and a second review.
    const target = await world({ tasks: tasks.map((task) => ({ ...task, delayMs: 100 })), parallel: 6, scenario: { reviewer: { action: 'approve-at', cycle: 2 } }, env: { CCX_MAX_WORKERS: '6' } });
    const remote = await withRunners(target, nats);
    const runners = await Promise.all(['r1', 'r2', 'r3'].map((name) => startRunner(target, nats, name, { slots: 2 })));
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(360_000), daemon.output()).toBe(0);
    const board = await target.board();
    expect(board.rows.map((row) => [row.id, row.status]), runners.map((runner) => runner.output()).join('\n')).toEqual(tasks.map((task) => [task.id, 'merged']));
    const log = (await target.git('log', '--format=%(trailers:key=Ccx-Task,valueonly,separator=)', 'main')).trim().split('\n').filter((id) => id !== '');
    expect([...log].sort()).toEqual(tasks.map((task) => task.id).sort());
    const events = await target.auditEvents();
    expect(events.filter((event) => event['event'] === 'merge.done')).toHaveLength(12);
    expect(new Set(events.filter((event) => event['event'] === 'runner.claimed').map((event) => event['runner'])).size).toBeGreaterThan(1);
    expect(events.filter((event) => event['event'] === 'turn.started' && event['phase'] === 'fix').length).toBeGreaterThanOrEqual(12);
    expect(await runGit(remote, ['for-each-ref', 'refs/ccx'])).toBe('');
    for (const runner of runners) {
      runner.child.kill('SIGTERM');
      expect(await runner.exited()).toBe(0);
      expect(await agentsUnder(runner.cache)).toEqual([]);
    }
    expect(await processesOf(target.paths.stateDir)).toEqual([]);
  });
});
