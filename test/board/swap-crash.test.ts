import { execFile, spawn, spawnSync } from 'node:child_process';
import { link, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BoardStore } from '../../src/board/index.js';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { startDaemon, waitFor, world } from '../helpers/daemon.js';
import { gitdir } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';
import { writerMayBeAlive } from '../../src/fs/leftovers.js';

const PERSON_BOARD = '# Board\n\n## Direction\n\nMy own words, kept.  \n\n## Tasks\n\n```yaml\n- id: T-1\n  title: "mine"   # a comment\n  status: draft\n```\n\nAfter the block.\n';
const FENCE = PERSON_BOARD.lastIndexOf('```');

interface Killed {
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Runs the built ccx with CCX_CRASH_AT set: the real code runs up to the named point, then SIGKILLs itself. */
function ccxCrashingAt(point: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Killed> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_PATH, ...args], { cwd, env: { ...process.env, ...env, CCX_CRASH_AT: point } }, (error, _stdout, stderr) => {
      resolve({ signal: error?.signal ?? null, code: typeof error?.code === 'number' ? error.code : error === null ? 0 : null, stderr });
    });
  });
}

async function initialised() {
  const repo = await gitdir({ 'README.md': '# test\n' });
  const env = await isolatedEnv();
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  const stateDir = init.stdout.trim();
  const board = join(stateDir, 'BOARD.md');
  await writeFile(board, PERSON_BOARD);
  return { repo, env, stateDir, board };
}

async function leftovers(stateDir: string): Promise<string[]> {
  return (await readdir(stateDir)).filter((name) => name.includes('.ccx-aside-') || /^\.BOARD\.md\.ccx-.*\.tmp$/.test(name));
}

/** A pid that is certainly not running now (a process that has exited). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid ?? 999_999;
}

const STEPS = ['board-swap:temp-written', 'board-swap:aside', 'board-swap:linked', 'board-swap:aside-removed'] as const;

describe('a board write killed inside the swap (kill -9)', () => {
  for (const step of STEPS) {
    for (const next of ['tasks', 'init'] as const) {
      it(`killed at ${step}: \`ccx ${next}\` puts the person's board back byte for byte and removes the leftovers`, { timeout: 60_000 }, async () => {
        const { repo, env, stateDir, board } = await initialised();
        const killed = await ccxCrashingAt(step, ['add', 'crash me'], repo, env);
        expect(killed.signal, killed.stderr).toBe('SIGKILL');
        const left = await leftovers(stateDir);
        expect(left.length, 'the kill left a temp file or a set-aside copy').toBeGreaterThan(0);
        if (step === 'board-swap:aside') expect(await readFile(board).catch(() => null), 'the board is gone until repaired').toBeNull();

        const after = await runCli(next === 'tasks' ? ['tasks'] : ['init'], { cwd: repo, env });
        expect(after.exitCode, after.stderr).toBe(0);
        const text = await readFile(board, 'utf8');
        if (step === 'board-swap:temp-written' || step === 'board-swap:aside') expect(text).toBe(PERSON_BOARD);
        else {
          // The write had landed: the person's bytes around the new row are exactly theirs.
          expect(text.startsWith(PERSON_BOARD.slice(0, FENCE))).toBe(true);
          expect(text.endsWith(PERSON_BOARD.slice(FENCE))).toBe(true);
          expect(text).toContain('title: crash me');
        }
        if (next === 'tasks') expect(after.stdout).toContain('T-1');
        expect(text).not.toContain('# - id: T-1'); // never the blank template
        expect(await leftovers(stateDir)).toEqual([]);
      });
    }
  }

  it('killed with ccx\'s board in and the old one aside, then the person saves a new file: the next command keeps their save and drops the superseded copy', { timeout: 60_000 }, async () => {
    const { repo, env, stateDir, board } = await initialised();
    const killed = await ccxCrashingAt('board-swap:linked', ['add', 'crash me'], repo, env);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect((await leftovers(stateDir)).some((name) => name.includes('.ccx-aside-'))).toBe(true);
    // An editor that saves by rename: a new file (a new inode) with the person's edit on ccx's text.
    const saved = (await readFile(board, 'utf8')).replace('My own words, kept.', 'My own words, kept, and more.');
    await writeFile(`${board}.person-tmp`, saved);
    await rename(`${board}.person-tmp`, board);
    const after = await runCli(['tasks'], { cwd: repo, env });
    expect(after.exitCode, after.stderr).toBe(0);
    expect(await readFile(board, 'utf8')).toBe(saved);
    expect(await leftovers(stateDir)).toEqual([]);
  });

  it('a set-aside copy written after the writer\'s candidate (a save into the old file mid-swap) is kept when the person has saved a new board since', { timeout: 60_000 }, async () => {
    const { repo, env, stateDir, board } = await initialised();
    const killed = await ccxCrashingAt('board-swap:linked', ['add', 'crash me'], repo, env);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const aside = join(stateDir, (await leftovers(stateDir)).find((name) => name.includes('.ccx-aside-')) ?? '');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(aside, `${PERSON_BOARD}<!-- typed into the old file -->\n`);
    await writeFile(`${board}.person-tmp`, PERSON_BOARD.replace('My own words', 'Their new file'));
    await rename(`${board}.person-tmp`, board);
    expect((await runCli(['tasks'], { cwd: repo, env })).exitCode).toBe(0);
    expect(await readFile(aside, 'utf8')).toContain('typed into the old file');
  });

  it('through a symlinked BOARD.md: killed with the target aside, the next command puts the target back; the link stays', { timeout: 60_000 }, async () => {
    const { repo, env, stateDir, board } = await initialised();
    const elsewhere = await testdir();
    const real = join(elsewhere, 'my-board.md');
    await writeFile(real, PERSON_BOARD);
    const { lstat, unlink, symlink } = await import('node:fs/promises');
    await unlink(board);
    await symlink(real, board);
    expect((await ccxCrashingAt('board-swap:aside', ['add', 'crash me'], repo, env)).signal).toBe('SIGKILL');
    expect(await readFile(real).catch(() => null)).toBeNull();
    expect((await readdir(elsewhere)).some((name) => name.startsWith('my-board.md.ccx-aside-'))).toBe(true);
    const init = await runCli(['init'], { cwd: repo, env });
    expect(init.exitCode, init.stderr).toBe(0);
    expect((await lstat(board)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe(PERSON_BOARD);
    const add = await runCli(['add', 'after'], { cwd: repo, env });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(await readFile(real, 'utf8')).toContain('title: after');
    expect(await readdir(elsewhere)).toEqual(['my-board.md']);
    expect(await leftovers(stateDir)).toEqual([]);
  });

  it('a repair killed at each of its own steps is taken up by the next command (idempotent)', { timeout: 60_000 }, async () => {
    for (const repairStep of ['board-restore:linked', 'board-restore:aside-removed', 'board-restore:temp-removed']) {
      const { repo, env, stateDir, board } = await initialised();
      expect((await ccxCrashingAt('board-swap:aside', ['add', 'crash me'], repo, env)).signal).toBe('SIGKILL');
      const repair = await ccxCrashingAt(repairStep, ['tasks'], repo, env);
      expect(repair.signal, `${repairStep}: ${repair.stderr}`).toBe('SIGKILL');
      const again = await runCli(['tasks'], { cwd: repo, env });
      expect(again.exitCode, again.stderr).toBe(0);
      expect(await readFile(board, 'utf8')).toBe(PERSON_BOARD);
      expect(await leftovers(stateDir)).toEqual([]);
    }
  });

  it('`ccx status`, `ccx board` and a plain store read restore the board too, before any advice', async () => {
    const { repo, env, stateDir, board } = await initialised();
    expect((await ccxCrashingAt('board-swap:aside', ['add', 'x'], repo, env)).signal).toBe('SIGKILL');
    const status = await runCli(['status'], { cwd: repo, env });
    expect(status.stdout + status.stderr).not.toContain('BOARD.md is missing');
    expect(await readFile(board, 'utf8')).toBe(PERSON_BOARD);
    expect((await ccxCrashingAt('board-swap:aside', ['add', 'y'], repo, env)).signal).toBe('SIGKILL');
    const read = await new BoardStore({ board, lock: join(stateDir, '.board.lock') }).read();
    expect(read.kind).toBe('ok');
    expect(await readFile(board, 'utf8')).toBe(PERSON_BOARD);
    // `ccx board` (here printing, with no editor) too: an editor must not open a blank file over the gap.
    expect((await ccxCrashingAt('board-swap:aside', ['add', 'z'], repo, env)).signal).toBe('SIGKILL');
    const shown = await runCli(['board'], { cwd: repo, env });
    expect([shown.exitCode, shown.stdout]).toEqual([0, PERSON_BOARD]);
    expect(await leftovers(stateDir)).toEqual([]);
  });

  it('the daemon puts a set-aside board back on start and runs the remaining task to merge', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one' }] });
    const person = await readFile(target.paths.board);
    // A command killed mid-swap: the board is aside, a temp file and the lock are left.
    expect((await ccxCrashingAt('board-swap:aside', ['add', '--draft', 'later'], target.repo, target.env)).signal).toBe('SIGKILL');
    expect(await readFile(target.paths.board).catch(() => null)).toBeNull();
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(60_000), daemon.output()).toBe(0);
    const row = await target.row('T-1');
    expect(row?.status, daemon.output()).toBe('merged');
    const text = await readFile(target.paths.board, 'utf8');
    expect(text.replace(/\n {2}(attempts|worktree|branch|worker_pid|started_at|finished_at|exit_status|commit|error): .*/g, '').replace('status: merged', 'status: pending')).toBe(person.toString('utf8'));
    expect(await leftovers(target.paths.stateDir)).toEqual([]);
  });

  it('a running daemon puts the board back on the pass that finds it missing (a command killed mid-swap beside it)', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one', delayMs: 1500 }] });
    const daemon = startDaemon(target);
    await waitFor('T-1 running', async () => (await target.row('T-1'))?.status === 'running', 30_000, daemon);
    expect((await ccxCrashingAt('board-swap:aside', ['add', '--draft', 'later'], target.repo, target.env)).signal).toBe('SIGKILL');
    await waitFor('the board back and T-1 merged', async () => {
      const text = await readFile(target.paths.board, 'utf8').catch(() => null);
      return text !== null && text.includes('status: merged');
    }, 60_000, daemon);
    expect(await readFile(target.paths.board, 'utf8')).toContain('Keep it simple.');
    // The daemon may be in the middle of a write of its own (its temp file is live): wait for it.
    await waitFor('no leftovers', async () => (await leftovers(target.paths.stateDir)).length === 0, 10_000, daemon);
  });

  it('leaves a live writer\'s set-aside copy alone, and ccx init writes no template over that gap', async () => {
    const { repo, env, stateDir, board } = await initialised();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    onTestFinished(() => {
      live.kill('SIGKILL');
    });
    const aside = join(stateDir, `BOARD.md.ccx-aside-${live.pid}-0123abcd`);
    await link(board, aside);
    const { unlink } = await import('node:fs/promises');
    await unlink(board);
    const init = await runCli(['init'], { cwd: repo, env, timeoutMs: 30_000 });
    expect(init.exitCode).toBe(1);
    expect(init.stderr).toContain('is set aside by a ccx process that is writing it right now');
    expect(await readFile(board).catch(() => null)).toBeNull();
    expect(await readFile(aside, 'utf8')).toBe(PERSON_BOARD);
    live.kill('SIGKILL');
    await new Promise((resolve) => live.once('exit', resolve));
    const tasks = await runCli(['tasks'], { cwd: repo, env });
    expect(tasks.exitCode, tasks.stderr).toBe(0);
    expect(await readFile(board, 'utf8')).toBe(PERSON_BOARD);
  });

  it('a pid now held by a process that started after the file was named (pid reused) is not that file\'s writer', async () => {
    const later = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    onTestFinished(() => {
      later.kill('SIGKILL');
    });
    await new Promise((resolve) => later.once('spawn', resolve));
    const pid = later.pid ?? 0;
    expect(writerMayBeAlive(pid, Date.now() - 60_000), 'a file named a minute before the process started').toBe(false);
    expect(writerMayBeAlive(pid, Date.now()), 'a file named now').toBe(true);
    expect(writerMayBeAlive(deadPid(), Date.now())).toBe(false);
  });

  it('temp files of killed ccx writers in STATE_DIR go on the next start; a live writer\'s stay', async () => {
    const dir = await testdir({ 'BOARD.md': PERSON_BOARD });
    const dead = deadPid();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    onTestFinished(() => {
      live.kill('SIGKILL');
    });
    const names = [`.BOARD.md.ccx-${dead}-0badc0de.tmp`, `.STATUS.md.ccx-${dead}-00c0ffee.tmp`, `.BOARD.md.ccx-${live.pid}-0badc0de.tmp`, `BOARD.md.ccx-aside-${live.pid}-0badc0de`];
    for (const name of names) await writeFile(join(dir, name), 'x');
    const read = await new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') }).read();
    expect(read.kind).toBe('ok');
    expect((await readdir(dir)).sort()).toEqual(['BOARD.md', ...names.slice(2)].sort());
  });

  it('killed in the put-back path for real (a person touching the file in place while ccx writes): their file comes back', { timeout: 90_000 }, async () => {
    const dir = await testdir({ 'BOARD.md': '## Tasks\n\n```yaml\n- id: T-1\n  title: one\n  status: pending\n```\n' });
    const board = join(dir, 'BOARD.md');
    // The person saves in place, again and again, without ever creating the file (flag r+): each save
    // that lands between ccx's check and its swap sends ccx down the put-back path.
    const person = spawn(process.execPath, ['-e', `const fs = require('node:fs'); for (;;) { try { const t = fs.readFileSync(${JSON.stringify(board)}); if (t.length > 0) fs.writeFileSync(${JSON.stringify(board)}, t, { flag: 'r+' }); } catch (e) { if (e.code !== 'ENOENT') throw e; } }`], { stdio: 'ignore' });
    onTestFinished(() => {
      person.kill('SIGKILL');
    });
    const store = new URL('../../dist/board/index.js', import.meta.url).href;
    const writer = spawn(process.execPath, ['--input-type=module', '-e', `const { BoardStore } = await import(${JSON.stringify(store)}); const store = new BoardStore({ board: ${JSON.stringify(board)}, lock: ${JSON.stringify(join(dir, '.board.lock'))} }); for (let i = 0; ; i += 1) { try { await store.setFields('T-1', { status: i % 2 === 0 ? 'running' : 'blocked' }); } catch (e) { if (!['BOARD_BUSY', 'BOARD_MISSING'].includes(e.code)) throw e; } }`], { stdio: 'ignore', env: { ...process.env, CCX_CRASH_AT: 'board-swap:put-back:taken' } });
    onTestFinished(() => {
      writer.kill('SIGKILL');
    });
    const signal = await Promise.race([
      new Promise<NodeJS.Signals | null>((resolve) => writer.once('exit', (_code, how) => resolve(how))),
      new Promise<string>((resolve) => setTimeout(() => resolve('not reached within 60 s'), 60_000).unref()),
    ]);
    person.kill('SIGKILL');
    await new Promise((resolve) => (person.exitCode === null && person.signalCode === null ? person.once('exit', resolve) : resolve(null)));
    expect(signal, 'the writer reached board-swap:put-back:taken').toBe('SIGKILL');
    expect(await readFile(board).catch(() => null), 'killed with no BOARD.md').toBeNull();
    const { stat } = await import('node:fs/promises');
    const names = await readdir(dir);
    const temps = await Promise.all(names.filter((name) => name.endsWith('.tmp')).map(async (name) => (await stat(join(dir, name))).ino));
    const theirs = [];
    for (const name of names.filter((entry) => entry.includes('.ccx-aside-'))) if (!temps.includes((await stat(join(dir, name))).ino)) theirs.push(await readFile(join(dir, name)));
    expect(theirs, 'one set-aside copy is the person\'s, the other ccx\'s candidate').toHaveLength(1);
    const read = await new BoardStore({ board, lock: join(dir, '.board.lock') }).read();
    expect(read.kind).toBe('ok');
    expect((await readFile(board)).equals(theirs[0] as Buffer)).toBe(true);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('killed in the put-back path: the person\'s newer save comes back, not ccx\'s candidate', async () => {
    // The state a kill at board-swap:put-back:taken leaves: the person's in-place save is in the
    // displaced copy, ccx's candidate (still linked to its temp file) in the other, no BOARD.md.
    const dir = await testdir();
    const board = join(dir, 'BOARD.md');
    const pid = deadPid();
    const temp = join(dir, `.BOARD.md.ccx-${pid}-00000001.tmp`);
    await writeFile(temp, PERSON_BOARD.replace('mine', 'ccx candidate'));
    await link(temp, join(dir, `BOARD.md.ccx-aside-${pid}-00000002`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(join(dir, `BOARD.md.ccx-aside-${pid}-00000003`), PERSON_BOARD.replace('mine', 'saved mid-swap'));
    const read = await new BoardStore({ board, lock: join(dir, '.board.lock') }).read();
    expect(read.kind).toBe('ok');
    expect(await readFile(board, 'utf8')).toContain('saved mid-swap');
    expect(await readdir(dir)).toEqual(['BOARD.md']);
  });
});
