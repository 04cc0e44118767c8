import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardStore } from '../../src/board/index.js';
import { ensureBrief } from '../../src/brief/ensure.js';
import { parseBoard } from '../../src/board/parse/parser.js';
import { testdir } from '../helpers/testdir.js';

const BOARD = '## Tasks\n\n```yaml\n- id: T-1\n  title: one\n  status: pending\n```\n';

describe('the board store', () => {
  it('does not write while an editor holds .#BOARD.md (unsaved edits), and says so', async () => {
    const dir = await testdir({ 'BOARD.md': BOARD });
    await symlink('person@host.1234:1700000000', join(dir, '.#BOARD.md'));
    const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
    await expect(store.setFields('T-1', { status: 'running' })).rejects.toMatchObject({ code: 'BOARD_BUSY', message: expect.stringContaining('is open with unsaved changes in an editor') });
    expect(await readFile(join(dir, 'BOARD.md'), 'utf8')).toBe(BOARD);
  });

  it('refuses to write a board with a file-level problem, and an empty one (mid-save), leaving them as they are', async () => {
    const dir = await testdir({ 'BOARD.md': '## Tasks\n\n```yaml\n- id: [\n```\n' });
    const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
    await expect(store.appendRows(() => [{ id: 'T-2', title: 'x', status: 'draft' }])).rejects.toMatchObject({ code: 'BOARD_INVALID', message: expect.stringMatching(/BOARD\.md:\d+:\d+: the Tasks YAML does not parse/) });
    await writeFile(join(dir, 'BOARD.md'), '');
    await expect(store.setFields('T-1', { status: 'running' })).rejects.toMatchObject({ code: 'BOARD_BUSY' });
    expect(await readFile(join(dir, 'BOARD.md'), 'utf8')).toBe('');
  });

  it('takes one write at a time from its own callers: 100 at once all land, none redone or refused', async () => {
    const rows = Array.from({ length: 100 }, (_, index) => `- id: T-${index + 1}\n  title: task ${index + 1}\n  status: pending\n`).join('');
    const dir = await testdir({ 'BOARD.md': `## Tasks\n\n\`\`\`yaml\n${rows}\`\`\`\n` });
    const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
    let edits = 0;
    const writes = Array.from({ length: 100 }, (_, index) =>
      store.update((board) => {
        edits += 1;
        return board.text.replace(`- id: T-${index + 1}\n  title: task ${index + 1}\n  status: pending`, `- id: T-${index + 1}\n  title: task ${index + 1}\n  status: running`);
      }),
    );
    const results = await Promise.all(writes);
    expect(results.every((result) => result.changed)).toBe(true);
    // Each edit ran once, on the board the write before it left: no compare-and-swap had to redo one.
    expect(edits).toBe(100);
    const board = parseBoard(await readFile(join(dir, 'BOARD.md')));
    expect(board.rows.filter((row) => row.status === 'running')).toHaveLength(100);
  });

  it('never overwrites an existing brief, and writes one from the title and notes when there is none', async () => {
    const dir = await testdir();
    const row = parseBoard('## Tasks\n\n```yaml\n- id: T-1\n  title: Add a flag\n  status: pending\n  notes: Keep it short.\n```\n').rows[0];
    if (row === undefined) throw new Error('no row');
    const made = await ensureBrief(dir, dir, row);
    expect(made.created).toBe(true);
    expect(made.text).toContain('## Goal\n\nAdd a flag\n\nKeep it short.\n');
    expect(made.text.match(/^## /gm)).toHaveLength(6);
    await writeFile(made.path, 'my own brief\n');
    const again = await ensureBrief(dir, dir, row);
    expect([again.created, again.text]).toEqual([false, 'my own brief\n']);
  });
});

describe('a BOARD.md that is a symbolic link', () => {
  it('is written through to its target (temp file and swap beside the target); the link stays a link', async () => {
    const dir = await testdir({ 'state/x': '', 'elsewhere/board.md': BOARD });
    const board = join(dir, 'state', 'BOARD.md');
    await symlink(join('..', 'elsewhere', 'board.md'), board);
    const store = new BoardStore({ board, lock: join(dir, 'state', '.board.lock') });
    const result = await store.setFields('T-1', { status: 'running', attempts: 1 });
    expect(result.changed).toBe(true);
    expect((await lstat(board)).isSymbolicLink()).toBe(true);
    expect(await readlink(board)).toBe(join('..', 'elsewhere', 'board.md'));
    expect(await readFile(join(dir, 'elsewhere', 'board.md'), 'utf8')).toBe(BOARD.replace('status: pending', 'status: running\n  attempts: 1'));
    expect(result.hash).toBe(createHash('sha256').update(await readFile(board)).digest('hex'));
    // Nothing left over on either side (the lock beside the target is released).
    expect((await readdir(join(dir, 'state'))).sort()).toEqual(['BOARD.md', 'x']);
    expect(await readdir(join(dir, 'elsewhere'))).toEqual(['board.md']);
    // A link pointed elsewhere later is followed on the next write.
    await writeFile(join(dir, 'elsewhere', 'other.md'), BOARD);
    await unlink(board);
    await symlink(join(dir, 'elsewhere', 'other.md'), board);
    await store.setFields('T-1', { status: 'blocked' });
    expect(await readFile(join(dir, 'elsewhere', 'other.md'), 'utf8')).toContain('status: blocked');
    expect(await readFile(join(dir, 'elsewhere', 'board.md'), 'utf8')).toContain('status: running');
  });

  it('defers to an editor lock beside the target too, and refuses a link loop with a message', async () => {
    const dir = await testdir({ 'elsewhere/board.md': BOARD });
    const board = join(dir, 'BOARD.md');
    await symlink(join(dir, 'elsewhere', 'board.md'), board);
    await symlink('person@host.1:1', join(dir, 'elsewhere', '.#board.md'));
    const store = new BoardStore({ board, lock: join(dir, '.board.lock') });
    await expect(store.setFields('T-1', { status: 'running' })).rejects.toMatchObject({ code: 'BOARD_BUSY' });
    const loop = join(dir, 'loop.md');
    await symlink(loop, loop);
    const looped = new BoardStore({ board: loop, lock: join(dir, '.loop.lock') });
    expect(await looped.read()).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('symbolic links') });
  });
});
