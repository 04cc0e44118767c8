import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boardText, briefText, startDaemon, world } from '../../helpers/daemon.js';

const trailers = async (git: (...args: string[]) => Promise<string>, id: string) => (await git('log', '--format=%H %(trailers:key=Ccx-Task,valueonly)', 'main')).split('\n').filter((line) => line.trim().endsWith(` ${id}`)).map((line) => line.split(' ')[0]);

describe('whose run a row is', () => {
  it('a row that reuses the id of an old merged run starts a fresh run; the old journal is archived, never applied', { timeout: 120_000 }, async () => {
    const target = await world({ tasks: [{ id: 'T-1', title: 'first thing', writes: { 'out/first.txt': 'first\n' } }] });
    const first = startDaemon(target, ['--once']);
    expect(await first.exited(60_000), first.output()).toBe(0);
    const old = await target.row('T-1');
    expect(old?.status).toBe('merged');
    // The person deletes the merged row and writes a new T-1.
    const second = { id: 'T-1', title: 'second thing', writes: { 'out/second.txt': 'second\n' } };
    await writeFile(target.paths.board, boardText([second]));
    await writeFile(target.paths.brief('T-1'), briefText(second));
    const again = startDaemon(target, ['--once']);
    expect(await again.exited(60_000), again.output()).toBe(0);
    const row = await target.row('T-1');
    expect([row?.title, row?.status, row?.attempts]).toEqual(['second thing', 'merged', 1]);
    expect(row?.commit).not.toBe(old?.commit);
    expect(await readFile(join(target.repo, 'out/second.txt'), 'utf8')).toBe('second\n');
    expect(await trailers(target.git, 'T-1')).toHaveLength(2);
    const archived = (await readdir(join(target.paths.runs, 'T-1'))).filter((name) => name.startsWith('old-'));
    expect(archived).toHaveLength(1);
    expect(await readFile(join(target.paths.runs, 'T-1', archived[0] ?? '', 'journal.jsonl'), 'utf8')).toContain('first thing');
    const finished = (await target.auditEvents()).filter((event) => event['event'] === 'task.finished' && event['task'] === 'T-1');
    expect(finished.map((event) => event['commit'])).toEqual([old?.commit, row?.commit]);
  });

  it('leaves another tool\'s assigned row untouched, starts nothing that overlaps it, says so, and takes it over once flipped to pending', { timeout: 120_000 }, async () => {
    const target = await world({
      tasks: [
        { id: 'T-1', title: 'loop runs it', status: 'assigned', scope: ['a/**'] },
        { id: 'T-2', title: 'overlaps it', scope: ['a/**'] },
        { id: 'T-3', title: 'elsewhere', scope: ['b/**'] },
      ],
    });
    const before = await readFile(target.paths.board, 'utf8');
    const first = startDaemon(target, ['--once']);
    expect(await first.exited(60_000), first.output()).toBe(0);
    const board = await target.board();
    expect(board.rows.map((row) => [row.id, row.statusAsWritten])).toEqual([['T-1', 'assigned'], ['T-2', 'pending'], ['T-3', 'merged']]);
    const text = await readFile(target.paths.board, 'utf8');
    const rowOf = (all: string, id: string) => all.slice(all.indexOf(`- id: ${id}`), all.indexOf('- id: T-3'));
    expect(rowOf(text, 'T-1')).toBe(rowOf(before, 'T-1'));
    const status = await readFile(target.paths.status, 'utf8');
    expect(status).toContain('T-1 loop runs it: T-1 shows assigned but ccx has no run of it');
    expect(status).toMatch(/T-2 overlaps it: scope overlaps running T-1/);
    expect((await target.auditEvents()).filter((event) => event['task'] === 'T-1')).toEqual([]);
    await writeFile(target.paths.board, text.replace('status: assigned', 'status: pending'));
    const second = startDaemon(target, ['--once']);
    expect(await second.exited(90_000), second.output()).toBe(0);
    expect((await target.board()).rows.map((row) => row.status)).toEqual(['merged', 'merged', 'merged']);
  });
});
