import { readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT_NAMES, MAX_RECORD_BYTES, openAuditLog, readAuditLog, type AuditEventName, type AuditFields, type AuditLog } from '../../src/audit/index.js';
import type { CcxError } from '../../src/errors.js';
import { testdir } from '../helpers/testdir.js';

async function logIn(dir: string, onError?: (error: CcxError) => void): Promise<{ path: string; log: AuditLog }> {
  const path = join(dir, 'state', 'audit.jsonl');
  const log = openAuditLog(path, { repo: '/home/me/repo', ...(onError === undefined ? {} : { onError }) });
  return { path, log };
}

async function lines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('openAuditLog', () => {
  it('writes one JSON line per record: time (ISO 8601 UTC) first, event, repo, task, attempt, cycle, fields', async () => {
    const { path, log } = await logIn(await testdir());
    log.write('turn.finished', {
      task: 'T-7', attempt: 1, cycle: 2, role: 'implementer', agent: 'claude', model: 'sonnet', phase: 'fix', outcome: 'ok',
      exit_code: 0, duration_ms: 192_000, prompt_bytes: 12_345, output_bytes: 4_100, cost_usd: 0.42,
    });
    log.write('daemon.started', { pid: 42, version: '0.1.0', node: '20.19.0' });
    log.close();
    const text = await readFile(path, 'utf8');
    expect(text.replace(/"time":"[^"]+"/g, '"time":"<time>"')).toMatchInlineSnapshot(`
      "{"time":"<time>","event":"turn.finished","repo":"/home/me/repo","task":"T-7","attempt":1,"cycle":2,"role":"implementer","agent":"claude","model":"sonnet","phase":"fix","outcome":"ok","exit_code":0,"duration_ms":192000,"prompt_bytes":12345,"output_bytes":4100,"cost_usd":0.42}
      {"time":"<time>","event":"daemon.started","repo":"/home/me/repo","pid":42,"version":"0.1.0","node":"20.19.0"}
      "
    `);
    for (const record of await lines(path)) expect(record['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('creates the file 0600 in a 0700 folder', async () => {
    const { path, log } = await logIn(await testdir());
    log.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
  });

  it('keeps only the fields the event names, of the kind it names: no environment, no objects', async () => {
    const { path, log } = await logIn(await testdir());
    const sneaky = { agent: 'codex', env: process.env, prompt: 'the whole prompt', model: { name: 'x' }, prompt_bytes: '12' } as unknown as AuditFields<'turn.finished'>;
    log.write('turn.finished', sneaky);
    log.close();
    expect((await lines(path))[0]).toMatchObject({
      event: 'turn.finished',
      agent: 'codex',
      invalid_fields: ['role', 'model', 'outcome', 'duration_ms', 'prompt_bytes', 'output_bytes'],
    });
    const raw = await readFile(path, 'utf8');
    expect(raw).not.toContain('the whole prompt');
    expect(raw).not.toContain(process.env['PATH'] ?? '<no PATH>');
  });

  it('does not compile with a field the event lacks, a value of the wrong kind, or a missing field', async () => {
    const { path, log } = await logIn(await testdir());
    // @ts-expect-error an environment is not a field of any event
    log.write('daemon.started', { pid: 1, version: '0.1.0', node: '20.19.0', env: process.env });
    // @ts-expect-error a model is a name, not an object
    log.write('turn.started', { role: 'implementer', agent: 'claude', phase: 'implement', model: { name: 'sonnet', prompt: 'the prompt' } });
    // @ts-expect-error merge.done needs its sha
    log.write('merge.done', { task: 'T-1' });
    // @ts-expect-error attempt is a number
    log.write('limit.resumed', { agent: 'codex', attempt: '2' });
    log.close();
    // And at run time the same calls write nothing of what they should not.
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('the prompt');
    expect((await lines(path)).map((record) => record['invalid_fields'] ?? null)).toEqual([null, ['model'], ['sha'], ['attempt']]);
  });

  it('writes null for an optional field given as null (an exit code after a signal)', async () => {
    const { path, log } = await logIn(await testdir());
    log.write('test.finished', { task: 'T-1', passed: false, exit_code: null, duration_ms: 5 });
    log.close();
    expect((await lines(path))[0]).toMatchObject({ passed: false, exit_code: null, duration_ms: 5 });
  });

  it('keeps every record well under 16 KB, however long the text and lists it is given', async () => {
    const { path, log } = await logIn(await testdir());
    const huge = `${'é\u0000"\n'.repeat(300_000)}😀`;
    const files = Array.from({ length: 10_000 }, (_, index) => `src/${huge.slice(0, 5_000)}${index}`);
    log.write('turn.finished', { role: huge, agent: huge, model: huge, outcome: huge, duration_ms: 1, prompt_bytes: 1, output_bytes: 1, error: huge, task: huge });
    log.write('merge.conflict', { files, resolve: false });
    log.write('board.invalid', { problems: 10_000, messages: files });
    log.write('task.finished', { status: 'failed', exit_status: 'error', error: `agent said: ${'x'.repeat(1_000_000)}` });
    log.close();
    const text = await readFile(path, 'utf8');
    const records = text.split('\n').filter((line) => line !== '');
    expect(records).toHaveLength(4);
    for (const line of records) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    const [, conflict, , finished] = records.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect((conflict?.['files'] as string[]).at(-1)).toBe('… and 9971 more');
    expect(finished?.['error']).toMatch(/^agent said: x+…$/);
  });

  it('takes every event of SPEC 11 (and the ones ccx adds)', () => {
    expect(AUDIT_EVENT_NAMES).toEqual(expect.arrayContaining<AuditEventName>([
      'daemon.started', 'daemon.stopping', 'daemon.stopped', 'board.invalid', 'board.valid', 'board.written', 'inbox.accepted', 'inbox.rejected',
      'task.dispatched', 'turn.started', 'turn.finished', 'test.finished', 'review.verdict', 'task.stuck', 'task.escalated', 'merge.checked',
      'merge.done', 'merge.conflict', 'merge.waiting', 'task.finished', 'limit.paused', 'limit.resumed', 'task.cancelled', 'recovery.resumed', 'recovery.failed',
    ]));
  });

  it('refuses an event name that is not in the table', async () => {
    const { log } = await logIn(await testdir());
    expect(() => log.write('task.exploded' as AuditEventName, {} as AuditFields<'config.valid'>)).toThrow('"task.exploded" is not an audit event.');
    log.close();
  });

  it('goes on writing to the path when a person moves or removes the file', async () => {
    const dir = await testdir();
    const { path, log } = await logIn(dir);
    log.write('limit.resumed', { agent: 'one' });
    await rename(path, `${path}.1`);
    log.write('limit.resumed', { agent: 'two' });
    await rm(path);
    log.write('limit.resumed', { agent: 'three' });
    log.close();
    expect((await lines(`${path}.1`)).map((record) => record['agent'])).toEqual(['one']);
    expect((await lines(path)).map((record) => record['agent'])).toEqual(['three']);
  });

  it('reports a write it cannot make through onError and does not throw', async () => {
    const dir = await testdir();
    const errors: string[] = [];
    const { log } = await logIn(dir, (error) => errors.push(`${error.code}: ${error.message.replace(dir, '<dir>')}`));
    await rm(join(dir, 'state'), { recursive: true });
    await writeFile(join(dir, 'state'), 'a file where the STATE_DIR was');
    expect(() => log.write('limit.resumed', { agent: 'claude' })).not.toThrow();
    log.close();
    expect(errors).toEqual(['AUDIT_FAILED: the audit log <dir>/state/audit.jsonl cannot be written (ENOTDIR).']);
  });

  it('never appends through a link planted at audit.jsonl (an agent knows CCX_STATE_DIR): refused and reported, the outside file unchanged', async () => {
    const dir = await testdir({ 'outside.txt': 'the person\'s file\n' });
    const outside = join(dir, 'outside.txt');
    const errors: string[] = [];
    const { path, log } = await logIn(dir, (error) => errors.push(`${error.code}: ${error.message.replaceAll(dir, '<dir>')}`));
    log.write('limit.resumed', { agent: 'one' });
    // Planted while the log is open (a running daemon), and before it is opened (the next start).
    await rm(path);
    await symlink(outside, path);
    expect(() => log.write('limit.resumed', { agent: 'two' })).not.toThrow();
    log.close();
    expect(() => openAuditLog(path, { repo: '/r' })).toThrow(/is a symbolic link/);
    expect(await readFile(outside, 'utf8')).toBe('the person\'s file\n');
    expect(errors).toEqual(['AUDIT_FAILED: the audit log <dir>/state/audit.jsonl is a symbolic link that ccx did not make; ccx does not write through it.']);
  });

  it('fails to open with the path and the reason', async () => {
    const dir = await testdir({ state: 'not a folder' });
    expect(() => openAuditLog(join(dir, 'state', 'audit.jsonl'), { repo: '/r' })).toThrowErrorMatchingInlineSnapshot(
      `[CcxError: the audit log ${join(dir, 'state', 'audit.jsonl')} cannot be written (EEXIST).]`,
    );
  });

  it('is read back whole by readAuditLog', async () => {
    const { path, log } = await logIn(await testdir());
    log.write('merge.done', { task: 'T-3', sha: 'a'.repeat(40), branch: 'main' });
    log.close();
    const read = await readAuditLog(path);
    expect(read.records).toEqual([expect.objectContaining({ event: 'merge.done', task: 'T-3', sha: 'a'.repeat(40), repo: '/home/me/repo' })]);
  });
});
