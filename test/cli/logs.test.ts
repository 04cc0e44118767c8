import { spawn } from 'node:child_process';
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { CLI_PATH, isolatedEnv, runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';

const line = (time: string, event: string, fields: Record<string, unknown> = {}) => `${JSON.stringify({ time, event, repo: '/r', ...fields })}\n`;

async function initialised(): Promise<{ repo: string; env: NodeJS.ProcessEnv; audit: string }> {
  const repo = await gitdir();
  const env = await isolatedEnv({ TZ: 'UTC', NO_COLOR: '1' });
  const init = await runCli(['init'], { cwd: repo, env });
  expect(init.exitCode, init.stderr).toBe(0);
  return { repo, env, audit: join(init.stdout.trim(), 'audit.jsonl') };
}

/** `ccx logs <args>` left running, its output collected; killed when the test ends if still alive. */
function follow(args: readonly string[], repo: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI_PATH, 'logs', ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (output.stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** Waits up to 15 s for `text` in the chosen output, then asserts it is there. */
  const waitFor = async (text: string, stream: 'stdout' | 'stderr' = 'stdout') => {
    const deadline = Date.now() + 15_000;
    while (!output[stream].includes(text) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(output[stream], `waiting for ${text}; stderr: ${output.stderr}`).toContain(text);
  };
  return { child, output, exited, waitFor };
}

describe('ccx logs', () => {
  it('pretty-prints the audit log, skipping lines that do not parse and saying how many', async () => {
    const { repo, env, audit } = await initialised();
    await writeFile(
      audit,
      line('2025-03-10T08:00:00.000Z', 'task.dispatched', { task: 'T-1', attempt: 1, branch: 'ccx/T-1', tier: 'default', mode: 'loop' }) +
        '{"time":"2025-03-10T08:00:01.000Z","event":"tu\n' +
        line('2025-03-10T08:05:00.000Z', 'review.verdict', { task: 'T-2', attempt: 1, cycle: 1, verdict: 'approve', counts: { critical: 0, high: 0, medium: 0, low: 0 }, skipped: 0 }) +
        line('2025-03-10T08:06:00.000Z', 'merge.done', { task: 'T-1', attempt: 1, sha: 'f'.repeat(40), branch: 'main' }),
    );
    const all = await runCli(['logs'], { cwd: repo, env });
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toMatchInlineSnapshot(`
      "── 2025-03-10 (Mon) ──
      08:00:00  T-1 a1        task.dispatched   ccx/T-1 · tier default · mode loop
      08:05:00  T-2 a1 c1     review.verdict    approve · no findings
      08:06:00  T-1 a1        merge.done        ffffffffff · on main
      "
    `);
    expect(all.stderr).toBe('1 line of the audit log did not parse and was skipped.\n');

    const one = await runCli(['logs', '--task', 'T-1', '-n', '1'], { cwd: repo, env });
    expect(one.stdout).toContain('merge.done');
    expect(one.stdout).not.toContain('task.dispatched');
    expect(one.stdout).not.toContain('T-2');
  });

  it('ends quietly when the reader stops early (ccx logs | head)', async () => {
    const { repo, env, audit } = await initialised();
    await writeFile(audit, Array.from({ length: 20_000 }, (_, index) => line('2025-03-10T08:00:00.000Z', 'limit.resumed', { agent: `agent-${index}` })).join(''));
    const child = spawn(process.execPath, [CLI_PATH, 'logs'], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdout.once('data', () => child.stdout.destroy());
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it('says so when there is nothing yet, and rejects a bad --task or -n', async () => {
    const { repo, env } = await initialised();
    const empty = await runCli(['logs'], { cwd: repo, env });
    expect(empty.exitCode).toBe(0);
    expect(empty.stderr).toMatch(/^No audit records in .*audit\.jsonl yet\.\n$/);
    const badTask = await runCli(['logs', '--task', 'seven'], { cwd: repo, env });
    expect(badTask.exitCode).toBe(2);
    expect(badTask.stderr).toMatchInlineSnapshot(`
      "ccx logs: --task must be a task id such as T-7, but it is "seven".
      "
    `);
    const badLines = await runCli(['logs', '-n', 'ten'], { cwd: repo, env });
    expect(badLines.exitCode).toBe(2);
    expect(badLines.stderr).toContain('-n must be a whole number of records, but it is "ten".');
  });

  it('-f prints what is appended, through truncation and replacement, and stops cleanly on SIGINT', { timeout: 60_000 }, async () => {
    const { repo, env, audit } = await initialised();
    await writeFile(audit, Array.from({ length: 30 }, (_, index) => line('2025-03-10T08:00:00.000Z', 'limit.resumed', { agent: `old-${index}` })).join(''));
    const { child, output, exited, waitFor } = follow(['-f'], repo, env);

    await waitFor('old-29');
    expect(output.stdout).not.toContain('old-9 '); // only the last 20 before following
    expect(output.stdout).toContain('old-10');

    const log = openAuditLog(audit, { repo });
    log.write('limit.paused', { agent: 'claude', until: '2025-03-10T13:00:00.000Z', reason: 'usage limit' });
    await waitFor('claude until');
    log.write('merge.done', { task: 'T-4', sha: 'a'.repeat(40), branch: 'main' });
    await waitFor('aaaaaaaaaa · on main');
    await appendFile(audit, 'garbage\n');
    log.write('limit.resumed', { agent: 'after-garbage' });
    await waitFor('after-garbage');

    await writeFile(audit, ''); // truncated in place
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    log.write('limit.resumed', { agent: 'after-truncate' });
    await waitFor('after-truncate');

    await writeFile(`${audit}.new`, line('2025-03-10T09:00:00.000Z', 'limit.resumed', { agent: 'after-replace' }));
    await rename(`${audit}.new`, audit);
    await waitFor('after-replace');
    log.close();

    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(output.stderr).toContain('audit.jsonl was truncated: reading it from the start.');
    expect(output.stderr).toContain('audit.jsonl was replaced: reading the new file from the start.');
    expect(output.stderr).toContain('1 line of the audit log did not parse and was skipped.');
  });

  it('-f waits for a log that does not exist yet', { timeout: 60_000 }, async () => {
    const { repo, env, audit } = await initialised();
    const { child, output, exited, waitFor } = follow(['-f', '--task', 'T-9'], repo, env);
    await waitFor('Waiting for records', 'stderr');
    const log = openAuditLog(audit, { repo });
    log.write('task.cancelled', { task: 'T-8', branch: 'ccx/T-8' });
    log.write('task.cancelled', { task: 'T-9', branch: 'ccx/T-9', stopped: true });
    log.close();
    await waitFor('ccx/T-9');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output.stdout).toContain('task.cancelled    branch ccx/T-9 kept · worker stopped');
    expect(output.stdout).not.toContain('T-8');
  });
  it('--json -f prints each appended record as one JSON line, for jq', { timeout: 60_000 }, async () => {
    const { repo, env, audit } = await initialised();
    await writeFile(audit, line('2025-03-10T08:00:00.000Z', 'limit.resumed', { agent: 'before' }));
    const { child, output, exited, waitFor } = follow(['--json', '-f'], repo, env);
    await waitFor('"agent":"before"');
    const log = openAuditLog(audit, { repo });
    log.write('merge.done', { task: 'T-4', sha: 'a'.repeat(40), branch: 'main' });
    log.close();
    await waitFor('"event":"merge.done"');
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const records = output.stdout.trimEnd().split('\n').map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(records.map((record) => [record['event'], record['task'] ?? null])).toEqual([['limit.resumed', null], ['merge.done', 'T-4']]);
    expect(output.stdout.split('\n').slice(0, 2).join('\n') + '\n').toBe(`${(await readFile(audit, 'utf8')).trimEnd()}\n`);
  });
});
