import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAuditLog, type AuditRecordWritten } from '../../src/audit/index.js';
import { testdir } from '../helpers/testdir.js';

describe('the audit writer\'s listen()', () => {
  it('shows each appended record, as written, to every listener until it stops listening; a throwing listener costs nothing', async () => {
    const dir = await testdir();
    const audit = openAuditLog(join(dir, 'audit.jsonl'), { repo: '/work/shop' });
    const seen: AuditRecordWritten[] = [];
    audit.listen(() => {
      throw new Error('a broken listener');
    });
    const stop = audit.listen((record) => seen.push(record));
    audit.write('task.finished', { task: 'T-1', status: 'blocked', exit_status: 'stuck', error: 'stuck', extra: 'dropped' } as never);
    stop();
    audit.write('config.valid', {});
    audit.close();
    expect(seen).toHaveLength(1);
    const written = JSON.parse((await readFile(join(dir, 'audit.jsonl'), 'utf8')).split('\n')[0] ?? '') as Record<string, unknown>;
    const { time, ...rest } = seen[0]!;
    const { time: _writtenAt, ...writtenRest } = written;
    expect(rest).toEqual(writtenRest);
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(rest).toEqual({ event: 'task.finished', repo: '/work/shop', task: 'T-1', status: 'blocked', exit_status: 'stuck', error: 'stuck' });
  });
});
