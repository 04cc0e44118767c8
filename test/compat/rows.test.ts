import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, loopUser } from './loop-state.js';

async function tasksJson(user: { repo: string; env: NodeJS.ProcessEnv }) {
  const listed = await runCli(['tasks', '--json'], { cwd: user.repo, env: user.env });
  return { ...listed, json: JSON.parse(listed.stdout) as unknown };
}

describe('a board written by ccx-loop v0.6', () => {
  it('parses unchanged: worker_mode is read as mode, model_start auto and absent are the ladder default, and the file stays byte for byte', async () => {
    const user = await loopUser();
    const before = await readFile(user.board);
    const listed = await tasksJson(user);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const rows = listed.json as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row['id'], row['mode'], row['worker_mode'], row['model_start'], row['problems']])).toEqual([
      ['T-1', 'loop', null, 'default', []],
      ['T-2', 'duet', 'duet', 'default', []],
      ['T-3', 'conductor', 'conductor', 'default', []],
    ]);
    expect(await readFile(user.board)).toEqual(before);
    expect(await readFile(user.board)).toEqual(await readFile(join(FIXTURES, 'state', 'BOARD.md')));
  });

  it('reports worker_mode and mode that disagree as a row problem at worker_mode, and skips only that row', async () => {
    const user = await loopUser();
    const text = (await readFile(user.board, 'utf8')).replace('  worker_mode: duet\n', '  worker_mode: duet\n  mode: conductor\n').replace('  worker_mode: null\n', '  worker_mode: null\n  mode: forever\n');
    await writeFile(user.board, text);
    const listed = await tasksJson(user);
    expect(listed.exitCode).toBe(0);
    const rows = listed.json as Array<Record<string, unknown>>;
    expect(rows.find((row) => row['id'] === 'T-1')).toMatchObject({ mode: 'forever', problems: [] });
    const line = text.split('\n').indexOf('  worker_mode: duet') + 1;
    expect(rows.find((row) => row['id'] === 'T-2')?.['problems']).toEqual([
      { line, column: 16, level: 'row', task: 'T-2', message: 'T-2: worker_mode says duet but mode says conductor; keep one of them (ccx reads worker_mode as mode).' },
    ]);
    const plain = await runCli(['tasks'], { cwd: user.repo, env: user.env });
    expect(plain.stderr).toContain(`BOARD.md:${line}:16: T-2: worker_mode says duet but mode says conductor`);
  });

  it('rejects a worker_mode ccx-loop does not have', async () => {
    const user = await loopUser();
    await writeFile(user.board, (await readFile(user.board, 'utf8')).replace('worker_mode: conductor', 'worker_mode: trio'));
    const rows = (await tasksJson(user)).json as Array<Record<string, unknown>>;
    expect((rows.find((row) => row['id'] === 'T-3')?.['problems'] as Array<{ message: string }>)[0]?.message).toBe('T-3: worker_mode must be null, duet or conductor (ccx-loop\'s worker modes), but it is "trio".');
  });
});
