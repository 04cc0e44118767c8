import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { runGit } from '../helpers/gitdir.js';
import { call, uiFixture } from './fixture.js';

describe('ccx ui API', () => {
  it('GET /api/state has the shape of `ccx status --json`, with keys, row versions and the ui field', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'First task' }] });
    const answer = await call(fixture, 'GET', '/api/state');
    expect(answer.status).toBe(200);
    const state = answer.json();
    const cli = JSON.parse((await runCli(['status', '--json'], { cwd: fixture.repo, env: fixture.env })).stdout) as { repos: Array<{ tasks: unknown[] }> };
    expect(state.daemon).toEqual({ running: false, pid: null });
    expect(state.ui).toMatchObject({ daemon_running: false, port: fixture.server.port });
    expect(state.repos[0].key).toBe(fixture.key);
    expect(state.repos[0].tasks[0]).toMatchObject({ ...(cli.repos[0]?.tasks[0] as object), version: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(answer.headers['content-security-policy']).toBe("default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'");
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('GET a task: row, brief, attempts with turns and parsed verdicts, handoff, events; an artifact as text', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'Read me' }] });
    const attempt = join(fixture.stateDir, 'runs', 'T-1', 'a1');
    await mkdir(attempt, { recursive: true });
    await writeFile(join(attempt, 'c1-implement.prompt.md'), 'Implement <b>it</b>\n');
    await writeFile(join(attempt, 'c1-implement.out'), 'done\n');
    await writeFile(join(attempt, 'c1-test.log'), 'ok\n');
    await writeFile(join(attempt, 'c1-review.verdict.json'), JSON.stringify({ cycle: 1, verdict: 'needs-attention', summary: 's', open: [{ severity: 'high', title: 'bug' }], skipped: [{ severity: 'low', title: 'nit' }], next_steps: [] }));
    await writeFile(join(fixture.stateDir, 'runs', 'T-1', '.handoff.md'), '# handoff\n');
    await writeFile(join(fixture.stateDir, 'audit.jsonl'), `${JSON.stringify({ time: '2026-01-01T00:00:00Z', event: 'task.dispatched', repo: fixture.repo, task: 'T-1' })}\n`);
    const detail = (await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-1`)).json();
    expect(detail.row).toMatchObject({ id: 'T-1', title: 'Read me', status: 'pending' });
    expect(detail.brief).toContain('Read me');
    expect(detail.handoff).toBe('# handoff\n');
    expect(detail.attempts[0].turns.find((turn: { name: string }) => turn.name === 'c1-implement')).toMatchObject({ prompt: 'c1-implement.prompt.md', output: 'c1-implement.out' });
    expect(detail.attempts[0].test_logs).toEqual(['c1-test.log']);
    expect(detail.attempts[0].verdicts[0].findings.high[0]).toMatchObject({ title: 'bug', skipped: false });
    expect(detail.attempts[0].verdicts[0].findings.low[0]).toMatchObject({ title: 'nit', skipped: true });
    expect(detail.events).toEqual([expect.objectContaining({ event: 'task.dispatched', offset: 0 })]);
    const artifact = await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-1/attempts/1/files/c1-implement.prompt.md`);
    expect(artifact.status).toBe(200);
    expect(artifact.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(artifact.text).toBe('Implement <b>it</b>\n');
    expect((await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-9`)).json().error.code).toBe('NOT_FOUND');
  });

  it('POST a task without a daemon: 202 with the inbox file; `ccx inbox` then accepts it as written', async () => {
    const fixture = await uiFixture();
    const answer = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks`, { body: { title: 'From the page', body: 'Do the thing.', scope: ['src/**'], priority: 'high' } });
    expect(answer.status, answer.text).toBe(202);
    const file = answer.json().file as string;
    expect(await readFile(join(fixture.repo, '.ccx', 'inbox', file), 'utf8')).toContain('title: From the page');
    const ingested = await runCli(['inbox'], { cwd: fixture.repo, env: fixture.env });
    expect(ingested.stdout).toContain(`accepted ${file} as T-1`);
  });

  it('POST a bad submission: 422 with the inbox reason; past CCX_MAX_QUEUE_DEPTH: 429 with the reason', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'One' }], maxQueueDepth: 1 });
    const bad = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks`, { body: { title: 'x', mode: 'sometimes' } });
    expect(bad.status).toBe(422);
    expect(bad.json().error.code).toBe('SUBMISSION_REJECTED');
    expect(bad.json().error.message).toContain('mode');
    const full = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks`, { body: { title: 'Two' } });
    expect(full.status).toBe(429);
    expect(full.json().error.message).toContain('CCX_MAX_QUEUE_DEPTH is 1');
    const draft = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks`, { body: { title: 'Two', status: 'draft' } });
    expect(draft.status).toBe(202);
  });

  it('row actions go through compare-and-swap: 200 with the new row, 409 with the fresh row when it changed', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'Draft one', draft: true }] });
    const seen = (await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-1`)).json().row;
    const board = join(fixture.stateDir, 'BOARD.md');
    // A person edits the row in their editor after the page read it.
    await writeFile(board, (await readFile(board, 'utf8')).replace('title: Draft one', 'title: Draft one, edited'));
    const stale = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks/T-1/pending`, { body: { expect: seen.version } });
    expect(stale.status).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'ROW_CHANGED', row: { title: 'Draft one, edited', status: 'draft' } });
    const fresh = stale.json().error.row;
    const flipped = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks/T-1/pending`, { body: { expect: fresh.version } });
    expect(flipped.status, flipped.text).toBe(200);
    expect(flipped.json().row.status).toBe('pending');
    expect(await readFile(board, 'utf8')).toContain('title: Draft one, edited');
    const retry = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks/T-1/retry`, { body: {} });
    expect(retry.status).toBe(409);
    expect(retry.json().error.code).toBe('WRONG_STATUS');
    const cancel = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks/T-1/cancel`, { body: { expect: flipped.json().row.version } });
    expect(cancel.json().row.status).toBe('cancelled');
    const again = await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks/T-1/retry`, {});
    expect(again.json().row.status).toBe('pending');
  });

  it('the diff of a task: its branch against where it left the integration branch', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'Branch work' }] });
    await runGit(fixture.repo, ['checkout', '--quiet', '-b', 'ccx/T-1']);
    await writeFile(join(fixture.repo, 'new.txt'), 'made on the branch\n');
    await runGit(fixture.repo, ['add', 'new.txt']);
    await runGit(fixture.repo, ['commit', '--quiet', '-m', 'turn']);
    await runGit(fixture.repo, ['checkout', '--quiet', 'main']);
    await writeFile(join(fixture.repo, 'README.md'), '# moved on\n');
    await runGit(fixture.repo, ['commit', '--quiet', '-am', 'main moves on']);
    const detail = (await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-1`)).json();
    expect(detail.diff).toMatchObject({ kind: 'branch', from: 'main', to: 'ccx/T-1', truncated: false });
    expect(detail.diff.text).toContain('+made on the branch');
    expect(detail.diff.text).not.toContain('moved on');
  });

  it('the diff of a merged task: its squash commit', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'Landed' }] });
    await writeFile(join(fixture.repo, 'landed.txt'), 'squashed in\n');
    await runGit(fixture.repo, ['add', 'landed.txt']);
    await runGit(fixture.repo, ['commit', '--quiet', '-m', 'T-1: Landed']);
    const sha = (await runGit(fixture.repo, ['rev-parse', 'HEAD'])).trim();
    const board = join(fixture.stateDir, 'BOARD.md');
    await writeFile(board, (await readFile(board, 'utf8')).replace('status: pending', `status: merged\n  commit: ${sha}`));
    const detail = (await call(fixture, 'GET', `/api/repos/${fixture.key}/tasks/T-1`)).json();
    expect(detail.row).toMatchObject({ status: 'merged', commit: sha });
    expect(detail.diff).toMatchObject({ kind: 'squash', to: sha });
    expect(detail.diff.text).toContain('+squashed in');
  });
});
