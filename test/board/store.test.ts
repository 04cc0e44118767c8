import { readFile, symlink, writeFile } from 'node:fs/promises';
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
