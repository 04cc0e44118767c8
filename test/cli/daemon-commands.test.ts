import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusReport } from '../../src/status/collect.js';
import { isolatedEnv, runCli } from '../helpers/cli.js';
import { testdir } from '../helpers/testdir.js';
import { boardText, processesOf, startDaemon, waitFor, world, type DaemonProcess, type World } from '../helpers/daemon.js';

/** Runs `ccx <args>` in the world's repository, with its temp paths (and a daemon's pid) replaced by stable names. */
async function ccx(target: World, args: string[], daemon?: DaemonProcess) {
  const result = await runCli(args, { cwd: target.repo, env: target.env });
  const stable = (text: string) => {
    let out = text.replaceAll(target.paths.stateDir, '<state>').replaceAll(target.repo, '<repo>').replaceAll(target.env.CCX_DATA_HOME, '<data>');
    if (daemon?.child.pid !== undefined) out = out.replaceAll(String(daemon.child.pid), '<pid>');
    return out.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>').replace(/\b[0-9a-f]{40}\b/g, '<sha>').replace(/\b[0-9a-f]{12}\b/g, '<sha12>');
  };
  return { ...result, stdout: stable(result.stdout), stderr: stable(result.stderr) };
}

async function statusJson(target: World): Promise<StatusReport> {
  const result = await runCli(['status', '--json'], { cwd: target.repo, env: target.env });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatusReport;
}

async function daemonUp(target: World, daemon: DaemonProcess): Promise<void> {
  await waitFor('the daemon to start', async () => (await target.auditEvents()).some((event) => event['event'] === 'daemon.started'), 30_000, daemon);
}

async function branchSha(target: World, id: string): Promise<string> {
  return (await target.git('rev-parse', '--verify', '--quiet', `refs/heads/ccx/${id}`).catch(() => '')).trim();
}

describe('ccx status', () => {
  it('without a daemon: the board as it reads now, with every problem at its line and column', async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'first' }, { id: 'T-2', title: 'second', status: 'draft' }] });
    const text = await ccx(target, ['status']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatchInlineSnapshot(`
      "The daemon is not running (start it with \`ccx daemon\` or \`ccx service install\`).

      <repo>  (<state>)
        T-1    pending   first
        T-2    draft     second
      "
    `);
    const json = await statusJson(target);
    expect(json).toEqual({
      daemon: { running: false, pid: null },
      repos: [{
        repo: target.repo,
        state_dir: target.paths.stateDir,
        board: { valid: true, problems: [] },
        config: { valid: true, problems: [] },
        paused_until: null,
        tasks: [
          { id: 'T-1', title: 'first', status: 'pending', priority: 'normal', attempts: 0, exit_status: null, commit: null },
          { id: 'T-2', title: 'second', status: 'draft', priority: 'normal', attempts: 0, exit_status: null, commit: null },
        ],
      }],
    });

    // A bad row is skipped and reported; the rest of the board goes on.
    await writeFile(target.paths.board, (await readFile(target.paths.board, 'utf8')).replace('status: draft', 'status: doing'));
    const badRow = await statusJson(target);
    expect(badRow.repos[0]?.board).toMatchInlineSnapshot(`
      {
        "problems": [
          {
            "column": 11,
            "line": 17,
            "message": "T-2: status must be one of draft, pending, running, merged, blocked, failed, cancelled, but it is "doing".",
            "task": "T-2",
          },
        ],
        "valid": true,
      }
    `);
    expect(badRow.repos[0]?.tasks.map((task) => task['id'])).toEqual(['T-1']);
    expect((await ccx(target, ['status'])).stdout).toMatchInlineSnapshot(`
      "The daemon is not running (start it with \`ccx daemon\` or \`ccx service install\`).

      <repo>  (<state>)
        T-1    pending   first
        BOARD.md:17:11: T-2: status must be one of draft, pending, running, merged, blocked, failed, cancelled, but it is "doing".
      "
    `);

    // A board that does not parse is invalid as a whole.
    await writeFile(target.paths.board, boardText([{ id: 'T-1', title: 'first' }]).replace('  title: "first"', '  title: [first'));
    const broken = await statusJson(target);
    expect(broken.repos[0]?.board).toMatchInlineSnapshot(`
      {
        "problems": [
          {
            "column": 3,
            "line": 12,
            "message": "the Tasks YAML does not parse: Flow sequence in block collection must be sufficiently indented and end with a ]",
            "task": null,
          },
          {
            "column": 11,
            "line": 12,
            "message": "the Tasks YAML does not parse: Nested mappings are not allowed in compact mappings",
            "task": null,
          },
          {
            "column": 11,
            "line": 12,
            "message": "the Tasks YAML does not parse: Implicit keys need to be on a single line",
            "task": null,
          },
        ],
        "valid": false,
      }
    `);
    expect(broken.repos[0]?.tasks).toEqual([]);
  });

  it('with a running daemon: its pid, and the phase and cycle of a running task', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'hangs' }, { id: 'T-2', title: 'waits', dependsOn: ['T-1'] }], scenario: { implementer: { action: 'hang' } } });
    const daemon = startDaemon(target);
    await waitFor('T-1 to run', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    await waitFor('status.json to show T-1 implementing', async () => (await readFile(join(target.paths.stateDir, 'status.json'), 'utf8').catch(() => '')).includes('"phase": "implement"'), 10_000, daemon);
    const json = await statusJson(target);
    expect(json.daemon).toEqual({ running: true, pid: daemon.child.pid });
    expect(json.repos[0]?.tasks[0]).toMatchObject({ id: 'T-1', status: 'running', attempts: 1, phase: 'implement', cycle: 1, max_cycles: 2, agent: 'command' });
    expect(json.repos[0]?.tasks[1]).toMatchObject({ id: 'T-2', status: 'pending', waiting: 'waits for T-1 to be merged (depends_on)' });
    const text = await ccx(target, ['status'], daemon);
    expect(text.stdout).toMatchInlineSnapshot(`
      "The daemon runs (pid <pid>, since <time>).

      <repo>  (<state>)
        T-1    running   hangs  — implement, cycle 1/2
        T-2    pending   waits  — waits for T-1 to be merged (depends_on)
        (details: <state>/STATUS.md)
      "
    `);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
    expect((await statusJson(target)).daemon).toEqual({ running: false, pid: null });
  });
});

describe('ccx cancel', () => {
  it('cancels a pending task, and refuses a merged, a cancelled or an unknown one, saying why', async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'not yet' }, { id: 'T-2', title: 'landed', status: 'merged' }] });
    const pending = await ccx(target, ['cancel', 'T-1']);
    expect([pending.exitCode, pending.stdout, pending.stderr]).toEqual([0, 'T-1 cancelled.\n', '']);
    expect((await target.row('T-1'))?.status).toBe('cancelled');
    const again = await ccx(target, ['cancel', 'T-1']);
    expect([again.exitCode, again.stderr]).toMatchInlineSnapshot(`
      [
        1,
        "ccx cancel: T-1 is cancelled, so there is nothing to cancel.
        It is already cancelled.
      ",
      ]
    `);
    const merged = await ccx(target, ['cancel', 'T-2']);
    expect([merged.exitCode, merged.stderr]).toMatchInlineSnapshot(`
      [
        1,
        "ccx cancel: T-2 is merged, so there is nothing to cancel.
        Only draft, pending and running tasks can be cancelled.
      ",
      ]
    `);
    const unknown = await ccx(target, ['cancel', 'T-9']);
    expect([unknown.exitCode, unknown.stderr]).toMatchInlineSnapshot(`
      [
        1,
        "ccx cancel: the board has no valid row T-9.
        Check the id with \`ccx tasks\`.
      ",
      ]
    `);
    const notAnId = await ccx(target, ['cancel', 'nine']);
    expect([notAnId.exitCode, notAnId.stderr]).toMatchInlineSnapshot(`
      [
        2,
        "ccx cancel: "nine" is not a task id; ids look like T-7.
      ",
      ]
    `);
    expect((await target.row('T-2'))?.status).toBe('merged');
  });

  it('on a running task: the daemon stops it and keeps its branch; `ccx clean` refuses it while it runs and removes it after', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'hangs' }], scenario: { implementer: { action: 'hang' } } });
    const daemon = startDaemon(target);
    await waitFor('the agent to run', async () => (await target.row('T-1'))?.status === 'running' && (await processesOf(target.paths.stateDir)).length > 0, 30_000, daemon);

    const refused = await ccx(target, ['clean', 'T-1'], daemon);
    expect([refused.exitCode, refused.stdout, refused.stderr]).toMatchInlineSnapshot(`
      [
        1,
        "",
        "ccx clean: T-1 is running; ccx does not remove the workspace of a task that may still run.
        Cancel it first (ccx cancel T-1), or wait until it ends.
      ",
      ]
    `);

    const cancelled = await ccx(target, ['cancel', 'T-1'], daemon);
    expect([cancelled.exitCode, cancelled.stdout]).toMatchInlineSnapshot(`
      [
        0,
        "T-1 cancelled: the daemon stops its agents within seconds and keeps its branch ccx/T-1.
      ",
      ]
    `);
    await waitFor('T-1 to be stopped', async () => (await target.row('T-1'))?.exitStatus === 'cancelled', 10_000, daemon);
    await waitFor('no agent process left', async () => (await processesOf(target.paths.stateDir)).length === 0, 10_000, daemon);
    const sha = await branchSha(target, 'T-1');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect((await target.row('T-1'))?.status).toBe('cancelled');

    const cleaned = await runCli(['clean', 'T-1'], { cwd: target.repo, env: target.env });
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toBe(`removed T-1: worktree ${target.paths.worktree('T-1')}, branch ccx/T-1 (was ${sha.slice(0, 12)}; \`git branch ccx/T-1 ${sha}\` brings it back)\n`);
    expect(await branchSha(target, 'T-1')).toBe('');
    expect((await target.git('worktree', 'list', '--porcelain')).includes(target.paths.worktree('T-1'))).toBe(false);
    // The printed command brings the work back.
    await target.git('branch', 'ccx/T-1', sha);
    expect(await branchSha(target, 'T-1')).toBe(sha);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited()).toBe(0);
  });
});

describe('ccx clean', () => {
  it('removes a blocked task\'s worktree and branch, and every worktree and ccx/T-* branch that belongs to no task, but not a kept loop run', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'never approved' }, { id: 'T-2', title: 'later', status: 'draft' }], scenario: { reviewer: { action: 'stuck' } }, maxAttempts: 1 });
    const once = startDaemon(target, ['--once']);
    expect(await once.exited(45_000), once.output()).toBe(0);
    expect((await target.row('T-1'))?.status).toBe('blocked');
    const blockedSha = await branchSha(target, 'T-1');
    expect(blockedSha).toMatch(/^[0-9a-f]{40}$/);
    // Left-overs that belong to no task: a branch, a worktree on its own branch, and a folder git does not know.
    await target.git('branch', 'ccx/T-9', 'main');
    await target.git('worktree', 'add', '--quiet', '-b', 'ccx/T-8', target.paths.worktree('T-8'), 'main');
    await mkdir(join(target.paths.worktrees, 'notes'));
    await writeFile(join(target.paths.worktrees, 'notes', 'mine.txt'), 'keep me\n');
    // A `ccx loop` run a person kept: plain `ccx clean` leaves it; `ccx clean L-3` removes it.
    await target.git('worktree', 'add', '--quiet', '-b', 'ccx/L-3', target.paths.worktree('L-3'), 'main');

    const cleaned = await ccx(target, ['clean']);
    expect(cleaned.exitCode, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toMatchInlineSnapshot(`
      "removed T-1: worktree <state>/worktrees/T-1, branch ccx/T-1 (was <sha12>; \`git branch ccx/T-1 <sha>\` brings it back)
      removed T-8: worktree <state>/worktrees/T-8, branch ccx/T-8 (was <sha12>; \`git branch ccx/T-8 <sha>\` brings it back)
      removed T-9: branch ccx/T-9 (was <sha12>; \`git branch ccx/T-9 <sha>\` brings it back)
      left <state>/worktrees/notes alone: it is not a git worktree (remove it yourself if it is yours)
      "
    `);
    expect((await target.git('branch', '--list', '--format=%(refname:short)', 'ccx/*')).trim()).toBe('ccx/L-3');
    expect(await readFile(join(target.paths.worktrees, 'notes', 'mine.txt'), 'utf8')).toBe('keep me\n');
    expect((await ccx(target, ['clean', 'L-3'])).stdout).toMatch(/^removed L-3: worktree <state>\/worktrees\/L-3, branch ccx\/L-3 /);
    expect((await target.git('branch', '--list', 'ccx/*')).trim()).toBe('');
    expect((await target.row('T-1'))?.status).toBe('blocked');
    expect((await ccx(target, ['clean'])).stdout).toMatchInlineSnapshot(`
      "left <state>/worktrees/notes alone: it is not a git worktree (remove it yourself if it is yours)
      Nothing to clean.
      "
    `);
  });

  it('exits 1 for an id that is neither on the board nor archived, and says so', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'someday', status: 'draft' }] });
    const unknown = await ccx(target, ['clean', 'T-99']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatchInlineSnapshot(`
      "ccx clean: no task T-99 in BOARD.md or the archive.
        Check the id with \`ccx tasks --all\`.
      "
    `);
    const known = await ccx(target, ['clean', 'T-1']);
    expect([known.exitCode, known.stdout]).toEqual([0, 'Nothing to clean.\n']);
  });
});

describe('ccx daemon', () => {
  it('a second daemon on the same data root exits 1 naming the first one\'s pid', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'someday', status: 'draft' }] });
    const first = startDaemon(target);
    await daemonUp(target, first);
    const second = await ccx(target, ['daemon'], first);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatchInlineSnapshot(`
      "ccx daemon: another ccx daemon (pid <pid>, started <time>) already serves <data>.
        Use that one (ccx status), or stop it first (kill <pid>, or \`ccx service uninstall\` if it runs as a service).
      "
    `);
    expect(first.child.exitCode).toBe(null);
    first.child.kill('SIGTERM');
    expect(await first.exited()).toBe(0);
  });

  it('--once with no initialised repository under the data root exits 0 and says what to do', { timeout: 60_000 }, async () => {
    const env = await isolatedEnv({ CCX_LOG_LEVEL: 'info' });
    const once = await runCli(['daemon', '--once'], { cwd: await testdir(), env, timeoutMs: 30_000 });
    expect(once.exitCode, once.stderr).toBe(0);
    expect(once.stderr).toContain('no initialised repository to serve');
    expect(once.stderr).toContain('ccx init');
  });

  it('--once on an idle board exits 0 at once', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'someday', status: 'draft' }, { id: 'T-2', title: 'landed', status: 'merged' }] });
    const started = Date.now();
    const once = await runCli(['daemon', '--once'], { cwd: target.repo, env: target.env, timeoutMs: 30_000 });
    expect([once.exitCode, once.stderr]).toEqual([0, '']);
    expect(Date.now() - started).toBeLessThan(5_000);
    const events = (await target.auditEvents()).map((event) => event['event']);
    expect(events).toEqual(['daemon.started', 'daemon.stopping', 'daemon.stopped']);
    expect((await target.board()).rows.map((row) => row.status)).toEqual(['draft', 'merged']);
  });
});
