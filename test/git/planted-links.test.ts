import { lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTaskWorktree } from '../../src/git/worktree/create.js';
import { removeTaskWorkspace } from '../../src/git/worktree/remove.js';
import { runCli } from '../helpers/cli.js';
import { startDaemon, world } from '../helpers/daemon.js';
import { engineRepo, messageOf } from '../helpers/engine.js';
import { runGit } from '../helpers/gitdir.js';
import { loopFixture } from '../helpers/loop.js';
import { testdir } from '../helpers/testdir.js';

/** An implementer that knows CCX_STATE_DIR and moves its run folder outside, leaving a link in its place. */
const LINK_PLANTER = `
import { cpSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
const run = join(process.env.CCX_STATE_DIR, 'runs', process.env.CCX_TASK_ID);
cpSync(run, process.env.OUTSIDE, { recursive: true });
rmSync(run, { recursive: true, force: true });
symlinkSync(process.env.OUTSIDE, run);
console.log('done');
`;

const JOURNAL_PLANTER = `
import { appendFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const journal = join(process.env.CCX_STATE_DIR, 'runs', process.env.CCX_TASK_ID, 'journal.jsonl');
writeFileSync(process.env.OUTSIDE, 'the person\\'s own file\\n');
rmSync(journal, { force: true });
symlinkSync(process.env.OUTSIDE, journal);
appendFileSync(join(process.cwd(), 'feature.txt'), 'feature\\n');
console.log('done');
`;

describe('links an agent plants under STATE_DIR or the inbox are never followed', () => {
  it('runs/T-1 made a link mid-turn: ccx writes no prompt, output or handoff outside STATE_DIR, and the attempt fails saying why', { timeout: 30_000 }, async () => {
    const outside = join(await testdir(), 'outside');
    const agentDir = await testdir({ 'plant.mjs': LINK_PLANTER });
    const f = await loopFixture({
      agents: { implementer: { type: 'command', argv: [process.execPath, join(agentDir, 'plant.mjs')], killGraceMs: 300 } },
      env: { OUTSIDE: outside },
    });
    const result = await f.run().then(
      (ended) => ended.message,
      (error: unknown) => messageOf(error),
    );
    expect(result.replaceAll(f.input.stateDir, '<state>').replaceAll(outside, '<outside>')).toContain(
      '<state>/runs/T-1 is a symbolic link (to <outside>) that ccx did not make; ccx does not follow links under <state>, so it did not write, check out or delete anything there.',
    );
    // What the agent copied out is all there is: no output, ledger, summary or handoff of ccx's followed it.
    expect((await readdir(join(outside, 'a1'))).sort()).toEqual(['c1-implement.prompt.md']);
    expect(await readdir(outside)).toEqual(['a1']);
  });

  it('the daemon: a link planted at runs/T-1/journal.jsonl is never appended to or read; the task still ends', { timeout: 60_000 }, async () => {
    const outside = join(await testdir(), 'outside.txt');
    const agentDir = await testdir({ 'plant.mjs': JOURNAL_PLANTER });
    const target = await world({ tasks: [{ id: 'T-1', title: 'plant a journal link' }], env: { OUTSIDE: outside } });
    const config = await readFile(target.paths.config, 'utf8');
    await writeFile(target.paths.config, config.replace(/ {2}implementer: .*\n/, `  implementer: {type: command, argv: ${JSON.stringify([process.execPath, join(agentDir, 'plant.mjs')])}}\n`));
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(50_000), daemon.output()).toBe(0);
    expect(await readFile(outside, 'utf8')).toBe("the person's own file\n");
    const journal = join(target.paths.stateDir, 'runs', 'T-1', 'journal.jsonl');
    expect((await lstat(journal)).isSymbolicLink()).toBe(false);
    const row = await target.row('T-1');
    expect(['merged', 'failed', 'blocked']).toContain(row?.status);
    expect((await target.auditEvents()).filter((event) => event['event'] === 'task.finished' && event['task'] === 'T-1')).toHaveLength(1);
  });

  it('the daemon: a task whose agent planted runs/T-1 fails with LINK_REFUSED, in the row and the audit log, and writes no artifact outside', { timeout: 60_000 }, async () => {
    const outside = join(await testdir(), 'outside');
    const agentDir = await testdir({ 'plant.mjs': LINK_PLANTER });
    const target = await world({ tasks: [{ id: 'T-1', title: 'plant a link' }], env: { OUTSIDE: outside } });
    const config = await readFile(target.paths.config, 'utf8');
    await writeFile(target.paths.config, config.replace(/ {2}implementer: .*\n/, `  implementer: {type: command, argv: ${JSON.stringify([process.execPath, join(agentDir, 'plant.mjs')])}}\n`));
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(50_000), daemon.output()).toBe(0);
    const row = await target.row('T-1');
    const refused = `${join(target.paths.stateDir, 'runs', 'T-1')} is a symbolic link (to ${outside}) that ccx did not make`;
    expect([row?.status, row?.exitStatus]).toEqual(['failed', 'error']);
    expect(row?.error).toContain(refused);
    expect((await target.auditEvents()).find((event) => event['event'] === 'task.finished')?.['error']).toContain(refused);
    // What the agent copied there itself (the prompt, the empty .scratch folder); ccx wrote and deleted nothing there.
    expect((await readdir(join(outside, 'a1'))).sort()).toEqual(['.scratch', 'c1-implement.prompt.md']);
  });

  it('worktrees/T-2 made a link to a folder outside: the task is not checked out there', async () => {
    const { repo, dir, worktreesRoot, worktreePath } = await engineRepo({ 'a.txt': 'a\n' });
    const outside = await testdir();
    await mkdir(worktreesRoot, { recursive: true });
    await symlink(outside, worktreePath('T-2'));
    const error = await createTaskWorktree(repo, { id: 'T-2', path: worktreePath('T-2'), integration: 'main' }).catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe('LINK_REFUSED');
    expect(await readdir(outside)).toEqual([]);
    expect(await runGit(dir, ['worktree', 'list', '--porcelain'])).not.toContain(outside);
  });

  it('worktrees/T-3 made a link to the person\'s own worktree: ccx clean and the merge\'s cleanup delete nothing there', { timeout: 30_000 }, async () => {
    const { repo, dir, worktreesRoot, worktreePath } = await engineRepo({ 'a.txt': 'a\n' });
    const mine = join(await testdir(), 'my-worktree');
    await runGit(dir, ['worktree', 'add', '--quiet', '-b', 'mine', mine]);
    await writeFile(join(mine, 'work-in-progress.txt'), 'not committed yet\n');
    await runGit(dir, ['branch', 'ccx/T-3']);
    await mkdir(worktreesRoot, { recursive: true });
    await symlink(mine, worktreePath('T-3'));

    const error = await removeTaskWorkspace(repo, { id: 'T-3', path: worktreePath('T-3') }).catch((caught: unknown) => caught);

    expect((error as { code?: string }).code).toBe('LINK_REFUSED');
    expect(await readFile(join(mine, 'work-in-progress.txt'), 'utf8')).toBe('not committed yet\n');
    expect(await runGit(dir, ['worktree', 'list', '--porcelain'])).toContain(mine);
  });

  it('ccx clean T-4 with worktrees/T-4 linked to the person\'s worktree refuses and deletes nothing', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [] });
    const mine = join(await testdir(), 'my-worktree');
    await target.git('worktree', 'add', '--quiet', '-b', 'mine', mine);
    await writeFile(join(mine, 'work-in-progress.txt'), 'not committed yet\n');
    await target.git('branch', 'ccx/T-4');
    await mkdir(target.paths.worktrees, { recursive: true });
    await symlink(mine, join(target.paths.worktrees, 'T-4'));

    const run = await runCli(['clean', 'T-4'], { cwd: target.repo, env: target.env });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${join(target.paths.worktrees, 'T-4')} is a symbolic link (to ${mine}) that ccx did not make`);
    expect(await readFile(join(mine, 'work-in-progress.txt'), 'utf8')).toBe('not committed yet\n');
    expect(await target.git('rev-parse', '--verify', '--quiet', 'ccx/T-4')).not.toBe('');
  });

  it('.ccx/inbox/accepted made a link: the submission stays inside the inbox and ccx inbox says why', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [] });
    const outside = await testdir();
    const inbox = join(target.repo, '.ccx', 'inbox');
    await mkdir(inbox, { recursive: true });
    await symlink(outside, join(inbox, 'accepted'));
    await writeFile(join(inbox, 'feature.md'), '---\ntitle: A feature\n---\nDo it.\n');

    const run = await runCli(['inbox'], { cwd: target.repo, env: target.env });

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr.replaceAll(inbox, '<inbox>').replaceAll(outside, '<outside>')).toContain('<inbox>/accepted is a symbolic link (to <outside>) that ccx did not make');
    expect(await readdir(outside)).toEqual([]);
    expect(await readdir(join(inbox, '.processing'))).toEqual(['T-1-feature.md']);
  });

  it('tasks/ made a link: ccx add writes no brief outside STATE_DIR, and says why', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [] });
    const outside = await testdir();
    const tasks = join(target.paths.stateDir, 'tasks');
    await rm(tasks, { recursive: true, force: true });
    await symlink(outside, tasks);
    const board = await readFile(target.paths.board);

    const run = await runCli(['add', 'A feature'], { cwd: target.repo, env: target.env });

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr.replaceAll(tasks, '<tasks>').replaceAll(outside, '<outside>')).toContain('<tasks> is a symbolic link (to <outside>) that ccx did not make');
    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(target.paths.board)).toEqual(board);
  });
});
