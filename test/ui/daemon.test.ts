import { basename } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runningDaemon } from '../../src/daemon/lock/daemon-lock.js';
import { startUiServer } from '../../src/ui/index.js';
import { startDaemon, waitFor, world } from '../helpers/daemon.js';
import { call, type UiFixture } from './fixture.js';

describe('ccx ui with a daemon running', () => {
  it('says the daemon runs, and a submission is answered 201 with the id the daemon gave it', async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'Already there', status: 'draft' }] });
    const daemon = startDaemon(target);
    await waitFor('the daemon to claim the data root', () => runningDaemon(target.env.CCX_DATA_HOME).then((record) => record ?? undefined), 30_000, daemon);
    const server = await startUiServer({ dataRoot: target.env.CCX_DATA_HOME, port: 0, maxQueueDepth: 5, events: { pollMs: 50 } });
    onTestFinished(() => server.close());
    const fixture: UiFixture = { repo: target.repo, stateDir: target.paths.stateDir, key: basename(target.paths.stateDir), env: target.env, server, host: `127.0.0.1:${server.port}` };
    const state = await waitFor('the daemon\'s status.json in /api/state', async () => {
      const answer = (await call(fixture, 'GET', '/api/state')).json();
      return answer.repos[0].live === null ? undefined : answer;
    }, 30_000, daemon);
    expect(state.ui.daemon_running).toBe(true);
    expect(state.repos[0].live.repo).toMatchObject({ running: [], queue: [] });
    const answer = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks`, { body: { title: 'From the page', body: 'Write it down.', status: 'draft' } });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.json()).toMatchObject({ id: 'T-2' });
    expect((await target.row('T-2'))?.status).toBe('draft');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });
});
