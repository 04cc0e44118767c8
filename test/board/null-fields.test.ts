import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBoard } from '../../src/board/parse/parser.js';
import { BoardStore } from '../../src/board/store/board-store.js';
import { testdir } from '../helpers/testdir.js';

const board = (rows: string) => `# Board\n\n## Tasks\n\n\`\`\`yaml\n${rows}\`\`\`\n`;

async function storeWith(text: string): Promise<BoardStore> {
  const dir = await testdir();
  const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
  await writeFile(store.paths.board, text);
  return store;
}

describe('a bookkeeping field set to null', () => {
  it('is taken out of a block row, with its comment, and never added; a person\'s fields stay', async () => {
    const store = await storeWith(board('- id: T-1\n  title: one\n  status: running\n  worktree: /w/T-1   # ccx\n  branch: ccx/T-1\n  worker_pid: 42\n  notes: null\n- id: T-2\n  title: two\n'));
    await store.setFields('T-1', { status: 'merged', worktree: null, branch: null, worker_pid: null, error: null, commit: 'abc' });
    expect(await readFile(store.paths.board, 'utf8')).toBe(board('- id: T-1\n  title: one\n  status: merged\n  notes: null\n  commit: abc\n- id: T-2\n  title: two\n'));
  });

  it('is taken out of a flow row too', async () => {
    const store = await storeWith(board('- {id: T-1, title: one, status: running, worktree: /w/T-1, branch: ccx/T-1}\n'));
    await store.setFields('T-1', { status: 'failed', worktree: null, branch: null, error: null });
    expect(await readFile(store.paths.board, 'utf8')).toBe(board('- {id: T-1, title: one, status: failed}\n'));
  });

  it('still reads an old board whose rows carry nulls', async () => {
    const parsed = parseBoard(board('- id: T-1\n  title: one\n  status: merged\n  worktree: null\n  branch: null\n  worker_pid: null\n  error: null\n'));
    expect(parsed.valid).toBe(true);
    expect(parsed.rows[0]).toMatchObject({ id: 'T-1', worktree: null, branch: null, workerPid: null, error: null });
  });
});
