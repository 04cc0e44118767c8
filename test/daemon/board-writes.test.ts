import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBoard } from '../../src/board/parse/parser.js';
import { BoardStore } from '../../src/board/store/board-store.js';
import { decide, revertedFields } from '../../src/daemon/reconcile/decide.js';
import { emptyFacts, type TaskFacts } from '../../src/daemon/journal/state.js';
import { testdir } from '../helpers/testdir.js';

const running = { status: 'running', attempts: 1, worktree: '/w/T-1', branch: 'ccx/T-1' } as const;
const facts: TaskFacts = { ...emptyFacts(), phase: 'active', attempt: 1, board: running, shown: running };
const board = (fields: string) => `# Board\n\n## Tasks\n\n\`\`\`yaml\n- id: T-1\n  title: one\n${fields}  notes: keep me\n\`\`\`\n`;
const shownRow = '  status: running\n  attempts: 1\n  worktree: /w/T-1\n  branch: ccx/T-1\n';

describe('per-row compare-and-swap of the daemon\'s writes', () => {
  it('decides the row again on the text the write lands on: a cancel saved between the read and the swap is kept', async () => {
    const dir = await testdir();
    const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
    // A stale buffer reverted the row to pending: the pass decides a write-back...
    await writeFile(store.paths.board, board('  status: pending\n'));
    let calls = 0;
    const result = await store.updateRows(['T-1'], (row) => {
      calls += 1;
      // ...and the person's save of `cancelled` lands right after the pass read the board.
      if (calls === 1) writeFileSync(store.paths.board, board(shownRow.replace('running', 'cancelled')));
      const decision = decide(row, facts, true);
      return decision.kind === 'write-back' ? decision.fields : null;
    });
    expect(calls).toBe(2);
    expect(result.shown.size).toBe(0);
    const text = await readFile(store.paths.board, 'utf8');
    expect(parseBoard(text).rows[0]?.status).toBe('cancelled');
    expect(text).toContain('notes: keep me');
  });

  it('writes back what a stale buffer reverted when nobody moved the row meanwhile, and says what the board shows', async () => {
    const dir = await testdir();
    const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
    await writeFile(store.paths.board, board('  status: pending\n'));
    const result = await store.updateRows(['T-1'], (row) => {
      const decision = decide(row, facts, true);
      return decision.kind === 'write-back' ? decision.fields : null;
    });
    expect(result.shown.get('T-1')).toEqual(running);
    const row = parseBoard(await readFile(store.paths.board, 'utf8')).rows[0];
    expect([row?.status, row?.attempts, row?.worktree, row?.branch, row?.notes]).toEqual(['running', 1, '/w/T-1', 'ccx/T-1', 'keep me']);
  });

  it('counts as reverted only the fields the row shows neither as wanted nor as last shown', () => {
    const stale = parseBoard(board('  status: pending\n')).rows[0]!;
    expect(revertedFields(stale, facts, running)).toEqual(['status', 'attempts', 'worktree', 'branch']);
    // The end could not be written yet (an editor's lock): the row still shows what ccx last showed.
    const lagging = parseBoard(board(shownRow)).rows[0]!;
    const ended: TaskFacts = { ...facts, phase: 'finished', board: { status: 'merged', worktree: null, branch: null, commit: 'abc' } };
    expect(revertedFields(lagging, ended, ended.board)).toEqual([]);
  });
});
