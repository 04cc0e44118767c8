import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, readAuditLog } from '../../src/audit/index.js';
import { testdir } from '../helpers/testdir.js';

const record = (event: string, task?: string) => `${JSON.stringify({ time: '2025-01-02T03:04:05.000Z', event, repo: '/r', ...(task === undefined ? {} : { task }) })}\n`;

describe('readAuditLog', () => {
  it('reads every record and skips (and counts) the lines that do not parse', async () => {
    const dir = await testdir();
    const path = join(dir, 'audit.jsonl');
    await writeFile(path, [record('daemon.started'), '{"time": "torn\n', 'not json\n', '\n', '[1,2]\n', '{"event":"no.time"}\n', record('daemon.stopped')].join(''));
    const read = await readAuditLog(path);
    expect(read.records.map((entry) => entry.event)).toEqual(['daemon.started', 'daemon.stopped']);
    expect(read.skipped).toBe(4);
  });

  it('filters by task', async () => {
    const path = join(await testdir(), 'audit.jsonl');
    await writeFile(path, record('turn.started', 'T-1') + record('turn.started', 'T-2') + record('daemon.started') + record('turn.finished', 'T-1'));
    const read = await readAuditLog(path, { task: 'T-1' });
    expect(read.records.map((entry) => `${entry.event} ${entry.task ?? ''}`)).toEqual(['turn.started T-1', 'turn.finished T-1']);
  });

  it('leaves a last line without its newline for the next read, and resumes from the offset', async () => {
    const path = join(await testdir(), 'audit.jsonl');
    const first = record('board.valid');
    const second = record('board.written', 'T-4');
    await writeFile(path, first + second.slice(0, 20));
    const partial = await readAuditLog(path);
    expect(partial).toEqual({ records: [expect.objectContaining({ event: 'board.valid' })], skipped: 0, offset: Buffer.byteLength(first) });
    await appendFile(path, second.slice(20) + record('merge.done', 'T-4'));
    const rest = await readAuditLog(path, { sinceOffset: partial.offset });
    expect(rest.records.map((entry) => entry.event)).toEqual(['board.written', 'merge.done']);
    expect(rest.offset).toBe(Buffer.byteLength(first + second + record('merge.done', 'T-4')));
  });

  it('counts offsets in bytes, across chunk boundaries and multi-byte text', async () => {
    const path = join(await testdir(), 'audit.jsonl');
    const lines = Array.from({ length: 400 }, (_, index) => `${JSON.stringify({ time: '2025-01-02T03:04:05.000Z', event: 'inbox.rejected', repo: '/r', reason: `ünïcødé ${'€'.repeat(index)}` })}\n`);
    await writeFile(path, lines.join(''));
    const read = await readAuditLog(path);
    expect(read.records).toHaveLength(400);
    expect(read.records[399]?.['reason']).toBe(`ünïcødé ${'€'.repeat(399)}`);
    expect(read.offset).toBe(Buffer.byteLength(lines.join('')));
  });

  it('skips a line too long to be a record without holding it in memory', async () => {
    const path = join(await testdir(), 'audit.jsonl');
    await writeFile(path, `${'x'.repeat(MAX_LINE_BYTES + 10)}\n${record('daemon.started')}`);
    const read = await readAuditLog(path);
    expect(read.records.map((entry) => entry.event)).toEqual(['daemon.started']);
    expect(read.skipped).toBe(1);
  });

  it('reads a log that does not exist yet as empty', async () => {
    expect(await readAuditLog(join(await testdir(), 'audit.jsonl'))).toEqual({ records: [], skipped: 0, offset: 0 });
  });
});
