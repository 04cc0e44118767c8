import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoardStore, parseBoard, type ParsedBoard } from '../../src/board/index.js';
import { testdir } from '../helpers/testdir.js';

const BOARD = [
  '\uFEFF# Board\r\n',
  '\r\n',
  '## Tasks\r\n',
  '\r\n',
  '```yaml\r\n',
  '- id: T-1\r\n',
  '  title: "quoted: title"\r\n',
  '  status: pending\r\n',
  '  scope: [src/a/**]\r\n',
  '- id: T-2\r\n',
  '  title: depends\r\n',
  '  status: draft\r\n',
  '  depends_on: [T-1]\r\n',
  '  notes: |\r\n',
  '    two\r\n',
  '    lines\r\n',
  '- id: T-3\r\n',
  '  status: nonsense\r\n',
  '- id: T-4\r\n',
  '  title: odd numbers\r\n',
  '  status: draft\r\n',
  '  notes: .nan\r\n',
  '```\r\n',
].join('');

async function storeIn(dir: string): Promise<BoardStore> {
  return new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') }, { rowCache: join(dir, '.board-rows.json') });
}

async function readWith(store: BoardStore): Promise<ParsedBoard> {
  const read = await store.read();
  if (read.kind !== 'ok') throw new Error(read.message);
  return read.board;
}

describe('the row cache file', () => {
  it('a fresh process that reads rows from it gets exactly the board a full parse gives, problems included', async () => {
    const dir = await testdir({ 'BOARD.md': BOARD });
    const first = await readWith(await storeIn(dir));
    expect(first).toEqual(parseBoard(BOARD));
    const file = JSON.parse(await readFile(join(dir, '.board-rows.json'), 'utf8')) as { rows: Record<string, unknown> };
    // T-4 holds NaN, which JSON cannot carry: that row is parsed again each time.
    expect(Object.keys(file.rows)).toHaveLength(3);
    expect((await stat(join(dir, '.board-rows.json'))).mode & 0o777).toBe(0o600);

    const second = await readWith(await storeIn(dir));
    expect(second).toEqual(parseBoard(BOARD));
    expect(second.rows.map((row) => [row.id, row.position.line])).toEqual([['T-1', 6], ['T-2', 10], ['T-4', 19]]);
    expect(second.problems.map((problem) => [problem.task, problem.line])).toEqual([['T-3', 17], ['T-3', 18]]);
  });

  it('takes a row from it only when the row\'s text is the same: an edited row is read again', async () => {
    const dir = await testdir({ 'BOARD.md': BOARD });
    await readWith(await storeIn(dir));
    const edited = BOARD.replace('  status: draft\r\n  depends_on', '  status: pending\r\n  depends_on').replace('"quoted: title"', 'plain');
    await writeFile(join(dir, 'BOARD.md'), edited);
    const board = await readWith(await storeIn(dir));
    expect(board).toEqual(parseBoard(edited));
    expect(board.rows.map((row) => [row.id, row.title, row.status])).toEqual([['T-1', 'plain', 'pending'], ['T-2', 'depends', 'pending'], ['T-4', 'odd numbers', 'draft']]);
  });

  it('a damaged file, or one written by other parser code, is read around and replaced', async () => {
    const dir = await testdir({ 'BOARD.md': BOARD, '.board-rows.json': '{"stamp": "x", "rows": {' });
    expect(await readWith(await storeIn(dir))).toEqual(parseBoard(BOARD));
    const written = JSON.parse(await readFile(join(dir, '.board-rows.json'), 'utf8')) as { stamp: string; rows: Record<string, { reading: { row: { title: string } | null } }> };
    // A file whose rows say something else, under another stamp, must not be believed.
    for (const { reading } of Object.values(written.rows)) if (reading.row !== null) reading.row.title = 'from a stale cache';
    await writeFile(join(dir, '.board-rows.json'), JSON.stringify({ ...written, stamp: 'older parser' }));
    expect((await readWith(await storeIn(dir))).rows.map((row) => row.title)).toEqual(['quoted: title', 'depends', 'odd numbers']);
    // The same rows under the current stamp are believed: that is what the stamp is for.
    await writeFile(join(dir, '.board-rows.json'), JSON.stringify(written));
    expect((await readWith(await storeIn(dir))).rows.map((row) => row.title)).toEqual(['from a stale cache', 'from a stale cache', 'odd numbers']);
  });

  it('a store without a row cache path writes no file (the daemon keeps its parses in memory)', async () => {
    const dir = await testdir({ 'BOARD.md': BOARD });
    const store = new BoardStore({ board: join(dir, 'BOARD.md'), lock: join(dir, '.board.lock') });
    await readWith(store);
    await expect(stat(join(dir, '.board-rows.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
