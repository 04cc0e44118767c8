import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditFeed } from '../../src/cli/daemon-log/event-feed.js';
import { logFormat, priorityOfLevel, underJournald, withPriority } from '../../src/cli/daemon-log/format.js';
import { readableLine } from '../../src/cli/daemon-log/logger.js';
import { graceText, stoppingLine } from '../../src/cli/daemon-log/signals.js';
import { waitFor } from '../helpers/daemon.js';
import { testdir } from '../helpers/testdir.js';

describe('the daemon log format', () => {
  it('is readable on a terminal (stderr or stdout), JSON otherwise, and --log-format wins', () => {
    expect(logFormat(undefined, { stdoutIsTTY: false, stderrIsTTY: true })).toBe('pretty');
    expect(logFormat(undefined, { stdoutIsTTY: true, stderrIsTTY: false })).toBe('pretty');
    expect(logFormat(undefined, { stdoutIsTTY: false, stderrIsTTY: false })).toBe('json');
    expect(logFormat('json', { stdoutIsTTY: true, stderrIsTTY: true })).toBe('json');
    expect(logFormat('pretty', { stdoutIsTTY: false, stderrIsTTY: false })).toBe('pretty');
    expect(() => logFormat('yaml', { stdoutIsTTY: false, stderrIsTTY: false })).toThrowErrorMatchingInlineSnapshot(`[UsageError: --log-format must be pretty or json, but it is "yaml".]`);
  });

  it('knows systemd by INVOCATION_ID or JOURNAL_STREAM', () => {
    expect(underJournald({})).toBe(false);
    expect(underJournald({ INVOCATION_ID: '' })).toBe(false);
    expect(underJournald({ INVOCATION_ID: 'abc' })).toBe(true);
    expect(underJournald({ JOURNAL_STREAM: '8:123' })).toBe(true);
  });

  it('maps pino levels to journald priorities and prefixes every line', () => {
    expect([10, 20, 30, 40, 50, 60].map(priorityOfLevel)).toEqual([7, 7, 6, 4, 3, 3]);
    expect(withPriority('a\nb\n', 4, true)).toBe('<4>a\n<4>b\n');
    expect(withPriority('a\n', 4, false)).toBe('a\n');
  });

  it('renders a pino record as a readable line, task in the reference column, facts as key=value', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5).getTime();
    const line = readableLine(false)(JSON.stringify({ level: 40, time, pid: 1, msg: 'agent paused by a usage limit', task: 'T-3', agent: 'claude', until: '2026-01-02T04:00:00.000Z', note: 'two words' }));
    expect(line).toBe('03:04:05  T-3           daemon warning    agent paused by a usage limit  agent=claude  until=2026-01-02T04:00:00.000Z  note="two words"\n');
    expect(readableLine(true)(JSON.stringify({ level: 50, time, msg: 'x\u001b[2Jy' }))).toContain('\u001b[31mdaemon error');
    expect(readableLine(true)(JSON.stringify({ level: 50, time, msg: 'x\u001b[2Jy' }))).not.toContain('\u001b[2J');
  });

  it('says what the stop waits for', () => {
    expect(stoppingLine(['T-11', 'T-12'], 20_000, 'SIGINT')).toBe('stopping: waiting up to 20 s for T-11, T-12 (Ctrl-C again to stop now)');
    expect(stoppingLine(['T-11'], 1_500, 'SIGTERM')).toBe('stopping: waiting up to 1.5 s for T-11');
    expect(stoppingLine([], 20_000, 'SIGINT')).toBe('stopping: no task running');
    expect(graceText(0)).toBe('0 s');
  });
});

describe('the foreground daemon event feed', () => {
  it('names the repository on each line while it serves more than one', { timeout: 20_000 }, async () => {
    const root = await testdir({ 'widgets-1a2b3c4/audit.jsonl': '', 'gadgets-local-5d6e7f8/audit.jsonl': '' });
    const printed: string[] = [];
    const feed = new AuditFeed({ format: 'pretty', color: false, journald: false }, (text) => printed.push(text));
    const record = (task: string) => `${JSON.stringify({ time: new Date().toISOString(), event: 'task.dispatched', repo: '/r', task, attempt: 1 })}\n`;
    feed.add(join(root, 'widgets-1a2b3c4'));
    await appendFile(join(root, 'widgets-1a2b3c4', 'audit.jsonl'), record('T-1'));
    await waitFor('the line of the only repository', () => printed.some((text) => text.includes('T-1')));
    feed.add(join(root, 'gadgets-local-5d6e7f8'));
    await appendFile(join(root, 'gadgets-local-5d6e7f8', 'audit.jsonl'), record('T-3'));
    await appendFile(join(root, 'widgets-1a2b3c4', 'audit.jsonl'), record('T-3'));
    await waitFor('both T-3 lines', () => printed.filter((text) => text.includes('T-3')).length === 2);
    await feed.close();
    const lines = printed.join('').split('\n').filter((line) => line.includes('task.dispatched'));
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d {2}T-1 a1/);
    expect(lines.slice(1).sort()).toEqual([expect.stringMatching(/^gadgets-local-5d6e7f8 {2}\d\d:\d\d:\d\d {2}T-3 a1/), expect.stringMatching(/^widgets-1a2b3c4 {2}\d\d:\d\d:\d\d {2}T-3 a1/)]);
  });
});
