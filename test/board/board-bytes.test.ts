import { mkdir, readFile, rename, lstat, symlink, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardStore } from '../../src/board/index.js';
import { runCli } from '../helpers/cli.js';
import { boardText, startDaemon, waitFor, world } from '../helpers/daemon.js';
import { makeTempDir, removeDir, testdir } from '../helpers/testdir.js';
import { onTestFinished } from 'vitest';

/** Bytes a person's editor saved that are not UTF-8: a Latin-1 é, a lone continuation byte, a cut-off sequence. */
const LATIN1 = Buffer.from([0xe9]);
const NOT_UTF8 = Buffer.concat([Buffer.from('Caf'), LATIN1, Buffer.from(' na'), Buffer.from([0x80]), Buffer.from('ve '), Buffer.from([0xe2, 0x82])]);

function boardWithPersonBytes(tasksText: string): Buffer {
  // The person's prose (Direction) and a notes line carry bytes that are not UTF-8.
  const marker = '## Tasks';
  const at = tasksText.indexOf(marker);
  return Buffer.concat([Buffer.from(tasksText.slice(0, at)), Buffer.from('Odd bytes: '), NOT_UTF8, Buffer.from('\n\n'), Buffer.from(tasksText.slice(at))]);
}

/** The ccx-owned bookkeeping lines ccx added to rows, taken out, so the rest can be compared byte for byte. */
function withoutBookkeeping(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  const text = bytes.toString('latin1');
  const pattern = /\n {2}(attempts|worktree|branch|worker_pid|started_at|finished_at|exit_status|commit|error): [^\n]*/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    parts.push(bytes.subarray(at, match.index));
    at = match.index + match[0].length;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}

describe('bytes that are not UTF-8 on the board', () => {
  it('`ccx add` keeps every byte the person wrote, and adds only its row', { timeout: 60_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one', status: 'draft' }] });
    const before = boardWithPersonBytes(boardText([{ id: 'T-1', title: 'one', status: 'draft' }]));
    await writeFile(target.paths.board, before);
    const add = await runCli(['add', 'two'], { cwd: target.repo, env: target.env });
    expect(add.exitCode, add.stderr).toBe(0);
    const after = await readFile(target.paths.board);
    const fence = before.lastIndexOf('```');
    expect(after.subarray(0, fence).equals(before.subarray(0, fence)), 'bytes before the new row').toBe(true);
    expect(after.subarray(after.length - (before.length - fence)).equals(before.subarray(fence)), 'bytes after the new row').toBe(true);
    expect(after.includes(NOT_UTF8)).toBe(true);
    expect(after.includes(Buffer.from('\uFFFD'))).toBe(false);
    expect(after.subarray(fence, after.length - (before.length - fence)).toString('utf8')).toMatch(/^\n- id: T-2\n {2}title: two\n {2}status: pending\n/);
  });

  it('a daemon transition (pending → running → merged) keeps them too', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one' }] });
    const before = boardWithPersonBytes(await readFile(target.paths.board, 'utf8'));
    await writeFile(target.paths.board, before);
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(60_000), daemon.output()).toBe(0);
    const after = await readFile(target.paths.board);
    expect(after.includes(Buffer.from('status: merged')), daemon.output()).toBe(true);
    expect(withoutBookkeeping(after).equals(Buffer.from(before.toString('latin1').replace('status: pending', 'status: merged'), 'latin1'))).toBe(true);
  });

  it('refuses, with line and column, an edit that would have to rewrite such a byte; the file stays as it was', async () => {
    const bytes = Buffer.concat([Buffer.from('## Tasks\n\n```yaml\n- id: T-1\n  title: one\n  status: failed\n  error: caf'), LATIN1, Buffer.from(' broke\n```\n')]);
    const dir = await testdir({ 'BOARD.md': bytes });
    const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
    await expect(store.setFields('T-1', { status: 'running', error: 'new reason' })).rejects.toMatchObject({ code: 'BOARD_UNREADABLE', message: expect.stringMatching(/BOARD\.md:7:13: ccx would have to rewrite bytes that are not UTF-8/) });
    expect((await readFile(join(dir, 'BOARD.md'))).equals(bytes)).toBe(true);
  });
});

describe('a BOARD.md that is a symbolic link, under the real daemon', () => {
  it('the task merges, the target shows it merged, the link stays a link and `daemon --once` returns', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one' }] });
    const elsewhere = await makeTempDir('ccx-board-elsewhere-');
    onTestFinished(() => removeDir(elsewhere));
    await mkdir(join(elsewhere, 'notes'));
    const real = join(elsewhere, 'notes', 'my-board.md');
    await rename(target.paths.board, real);
    await symlink(real, target.paths.board);
    const daemon = startDaemon(target, ['--once']);
    expect(await daemon.exited(60_000), daemon.output()).toBe(0);
    expect((await lstat(target.paths.board)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8'), daemon.output()).toContain('status: merged');
    expect((await target.row('T-1'))?.status).toBe('merged');
    expect(await target.git('log', '--format=%s', '-1', 'main')).toContain('T-1');
    expect(await readdir(join(elsewhere, 'notes'))).toEqual(['my-board.md']);
  });

  it('a running daemon sees a person flip a row to pending in the link\'s target (in another folder) and runs it', { timeout: 90_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'one', status: 'draft' }] });
    const elsewhere = await makeTempDir('ccx-board-elsewhere-');
    onTestFinished(() => removeDir(elsewhere));
    const real = join(elsewhere, 'my-board.md');
    await rename(target.paths.board, real);
    await symlink(real, target.paths.board);
    const daemon = startDaemon(target);
    await waitFor('the daemon\'s first pass', async () => (await readFile(target.paths.status, 'utf8').catch(() => '')) !== '', 30_000, daemon);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The person saves the target in place, as an editor that opened it by its own path does.
    await writeFile(real, (await readFile(real, 'utf8')).replace('status: draft', 'status: pending'));
    await waitFor('T-1 to merge', async () => (await readFile(real, 'utf8')).includes('status: merged'), 60_000, daemon);
    expect((await lstat(target.paths.board)).isSymbolicLink()).toBe(true);
    expect(await target.git('log', '--format=%s', '-1', 'main')).toContain('T-1');
  });
});
