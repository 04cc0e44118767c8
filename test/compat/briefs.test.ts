import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBrief } from '../../src/brief/ensure.js';
import { parseBoard } from '../../src/board/parse/parser.js';
import { testdir } from '../helpers/testdir.js';
import { FIXTURES } from './loop-state.js';

const exists = (path: string) => access(path).then(() => true, () => false);

async function loopRow(id: string) {
  const board = parseBoard(await readFile(join(FIXTURES, 'state', 'BOARD.md')));
  const row = board.rows.find((candidate) => candidate.id === id);
  if (row === undefined) throw new Error(`${id} is not a valid row of the fixture board`);
  return row;
}

describe('briefs where ccx-loop put them', () => {
  it('brief: .ccx/tasks/T-1.md finds STATE_DIR/tasks/T-1.md, as ccx-loop v0.6 reads it, and leaves it as it is', async () => {
    const stateDir = await testdir({ 'tasks/T-1.md': await readFile(join(FIXTURES, 'state', 'tasks', 'T-1.md'), 'utf8') });
    const repo = await testdir();
    const row = await loopRow('T-1');
    expect(row.brief).toBe('.ccx/tasks/T-1.md');
    const brief = await ensureBrief(stateDir, repo, row);
    expect(brief).toEqual({ path: join(stateDir, 'tasks', 'T-1.md'), created: false, text: await readFile(join(FIXTURES, 'state', 'tasks', 'T-1.md'), 'utf8') });
    expect(await exists(join(stateDir, '.ccx'))).toBe(false);
  });

  it('keeps reading a repository-relative .ccx/tasks/T-2.md where only that one exists', async () => {
    const stateDir = await testdir();
    const repo = await testdir({ '.ccx/tasks/T-2.md': 'the old in-repository brief\n' });
    const brief = await ensureBrief(stateDir, repo, await loopRow('T-2'));
    expect(brief).toEqual({ path: join(repo, '.ccx', 'tasks', 'T-2.md'), created: false, text: 'the old in-repository brief\n' });
    expect(await exists(join(stateDir, '.ccx'))).toBe(false);
  });

  it('with no brief anywhere, writes the fresh one to STATE_DIR/tasks/T-3.md, never under STATE_DIR/.ccx/', async () => {
    const stateDir = await testdir();
    const repo = await testdir();
    await mkdir(join(stateDir, 'tasks'));
    const brief = await ensureBrief(stateDir, repo, await loopRow('T-3'));
    expect(brief).toMatchObject({ path: join(stateDir, 'tasks', 'T-3.md'), created: true });
    expect(brief.text).toContain('## Goal');
    expect(await exists(join(stateDir, '.ccx'))).toBe(false);
    expect(await exists(join(repo, '.ccx'))).toBe(false);
  });

  it('a brief: path written as ccx writes it (tasks/T-n.md) still resolves under STATE_DIR', async () => {
    const stateDir = await testdir();
    const row = { ...(await loopRow('T-1')), brief: 'tasks/T-1.md' };
    expect((await ensureBrief(stateDir, await testdir(), row)).path).toBe(join(stateDir, 'tasks', 'T-1.md'));
  });
});
