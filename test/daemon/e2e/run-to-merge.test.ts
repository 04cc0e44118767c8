import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { processesOf, startDaemon, waitFor, world, type TaskSpec } from '../../helpers/daemon.js';
import { seeded } from '../../helpers/seeded.js';

describe('the daemon runs a board to the end', () => {
  it('merges 12 tasks exactly once each, keeping depends_on and never running overlapping scopes together', { timeout: 240_000 }, async () => {
    const tasks: TaskSpec[] = [
      { id: 'T-1', title: 'api', scope: ['api/**'], writes: { 'api/a.txt': 'a\n' } },
      { id: 'T-2', title: 'api tests', scope: ['api/**/*.test.txt'], writes: { 'api/a.test.txt': 't\n' } },
      { id: 'T-3', title: 'docs', scope: ['docs/'], writes: { 'docs/guide.txt': 'g\n' } },
      { id: 'T-4', title: 'docs index', scope: ['docs/index.txt'], writes: { 'docs/index.txt': 'i\n' } },
      { id: 'T-5', title: 'cli', scope: ['cli/**'], writes: { 'cli/main.txt': 'm\n' } },
      { id: 'T-6', title: 'after api and cli', scope: ['glue/**'], dependsOn: ['T-1', 'T-5'], writes: { 'glue/x.txt': 'x\n' } },
      { id: 'T-7', title: 'after glue', scope: ['glue2/**'], dependsOn: ['T-6'], writes: { 'glue2/y.txt': 'y\n' } },
      { id: 'T-8', title: 'util', scope: ['util/**'], priority: 'high', writes: { 'util/u.txt': 'u\n' } },
      { id: 'T-9', title: 'util again', scope: ['util/u.txt'], writes: { 'util/u.txt': 'u2\n' } },
      { id: 'T-10', title: 'low', scope: ['low/**'], priority: 'low', writes: { 'low/l.txt': 'l\n' } },
      { id: 'T-11', title: 'after low', scope: ['low2/**'], dependsOn: ['T-10'], writes: { 'low2/l.txt': 'l\n' } },
      { id: 'T-12', title: 'misc', scope: ['misc/**'], writes: { 'misc/m.txt': 'm\n' } },
    ];
    const target = await world({ tasks: tasks.map((task) => ({ ...task, delayMs: 150 })), parallel: 3, env: { CCX_MAX_WORKERS: '4', CCX_LOG_LEVEL: 'info' } });
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(200_000), daemon.output()).toBe(0);
    const board = await target.board();
    expect(board.rows.map((row) => [row.id, row.status]), daemon.output()).toEqual(tasks.map((task) => [task.id, 'merged']));
    const log = (await target.git('log', '--format=%s%x09%(trailers:key=Ccx-Task,valueonly,separator=)', 'main')).trim().split('\n');
    const landed = log.map((line) => line.split('\t')[1]).filter((id) => id !== undefined && id !== '');
    expect([...landed].sort()).toEqual(tasks.map((task) => task.id).sort());
    const order = [...landed].reverse();
    for (const task of tasks) for (const dependency of task.dependsOn ?? []) expect(order.indexOf(dependency), `${dependency} before ${task.id}`).toBeLessThan(order.indexOf(task.id));
    expect(await target.git('show', 'main:util/u.txt')).toBe('u2\n');
    expect(await target.git('fsck', '--no-progress', '--no-dangling')).toBe('');

    // Overlapping scopes never ran at the same time: their dispatch-to-finish intervals do not intersect.
    const events = await target.auditEvents();
    const span = (id: string) => {
      const start = events.find((event) => event['event'] === 'task.dispatched' && event['task'] === id)?.['time'] as string;
      const end = events.find((event) => event['event'] === 'task.finished' && event['task'] === id)?.['time'] as string;
      return [Date.parse(start), Date.parse(end)] as const;
    };
    for (const [a, b] of [['T-1', 'T-2'], ['T-3', 'T-4'], ['T-8', 'T-9']] as const) {
      const [aStart, aEnd] = span(a);
      const [bStart, bEnd] = span(b);
      expect(aEnd <= bStart || bEnd <= aStart, `${a} and ${b} overlap in scope but ran together`).toBe(true);
    }
    expect(await processesOf(target.paths.stateDir)).toEqual([]);
    const status = JSON.parse((await runCli(['status', '--json'], { cwd: target.repo, env: target.env })).stdout) as { daemon: { running: boolean }; repos: Array<{ tasks: Array<{ status: string }> }> };
    expect(status.daemon.running).toBe(false);
    expect(status.repos[0]?.tasks.every((task) => task.status === 'merged')).toBe(true);
  });

  it('dispatches a row within moments of the save that flips it from draft to pending', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'later', status: 'draft' }] });
    const daemon = startDaemon(target);
    await waitFor('the daemon to start', async () => (await target.auditEvents()).some((event) => event['event'] === 'daemon.started'), 30_000, daemon);
    expect((await target.row('T-1'))?.status).toBe('draft');
    const { readFile, writeFile } = await import('node:fs/promises');
    await writeFile(target.paths.board, (await readFile(target.paths.board, 'utf8')).replace('status: draft', 'status: pending'));
    await waitFor('T-1 to merge', async () => (await target.row('T-1'))?.status === 'merged', 30_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('serves a repository initialised while it runs, opening it once', { timeout: 60_000 }, async () => {
    const first = await world({ tasks: [{ id: 'T-1', title: 'someday', status: 'draft' }] });
    const daemon = startDaemon(first);
    await waitFor('the daemon to start', async () => (await first.auditEvents()).some((event) => event['event'] === 'daemon.started'), 30_000, daemon);
    // `ccx init` in a second repository under the same data root, then its config and a pending task.
    const second = await world({ tasks: [{ id: 'T-1', title: 'in the new repository' }], env: { CCX_DATA_HOME: first.env.CCX_DATA_HOME } });
    await waitFor('T-1 of the new repository to merge', async () => (await second.row('T-1'))?.status === 'merged', 30_000, daemon);
    const started = (await second.auditEvents()).filter((event) => event['event'] === 'daemon.started');
    expect(started.map((event) => event['pid'])).toEqual([daemon.child.pid]);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });

  it('uses the config.yaml saved while a new repository opens, whatever the timing', { timeout: 120_000 }, async () => {
    // `ccx init` writes a default config.yaml (claude and codex, absent here); the person's own one follows
    // after a varying pause. The daemon must end up on the person's file: a run on the default one fails.
    const seed = Number(process.env['CCX_TEST_SEED'] ?? Date.now() % 100_000);
    const random = seeded(seed);
    const first = await world({ tasks: [{ id: 'T-1', title: 'someday', status: 'draft' }] });
    const daemon = startDaemon(first);
    await waitFor('the daemon to start', async () => (await first.auditEvents()).some((event) => event['event'] === 'daemon.started'), 30_000, daemon);
    const repos = [];
    for (let index = 0; index < 3; index++) {
      const configDelayMs = Math.floor(random() * 250);
      repos.push(await world({ tasks: [{ id: 'T-1', title: `new repository ${index}` }], env: { CCX_DATA_HOME: first.env.CCX_DATA_HOME }, configDelayMs }));
    }
    for (const repo of repos) await waitFor(`T-1 of ${repo.repo} to merge (seed ${seed})`, async () => (await repo.row('T-1'))?.status === 'merged', 45_000, daemon);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });
});
