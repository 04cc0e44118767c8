import { appendFile, mkdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followAuditLog, type AuditRecord, type FollowReset } from '../../src/audit/index.js';
import { testdir } from '../helpers/testdir.js';

const record = (event: string, task = 'T-1') => `${JSON.stringify({ time: '2025-01-02T03:04:05.000Z', event, repo: '/r', task })}\n`;

/** Starts a follower and gives the test a way to wait for what it has seen. */
function follower(path: string, options: { task?: string } = {}) {
  const stop = new AbortController();
  const seen: string[] = [];
  const resets: FollowReset[] = [];
  let wake: (() => void) | undefined;
  const done = followAuditLog(path, {
    ...options,
    signal: stop.signal,
    pollMs: 100,
    onRecord: (entry: AuditRecord) => {
      seen.push(entry.event);
      wake?.();
    },
    onReset: (reason) => resets.push(reason),
  });
  const until = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (seen.length < count && Date.now() < deadline) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 50)));
    expect(seen).toHaveLength(count);
  };
  return { seen, resets, until, stop: async () => (stop.abort(), done) };
}

describe('followAuditLog', () => {
  it('waits for a log (and its folder) that does not exist yet, then prints what is appended', async () => {
    const dir = join(await testdir(), 'state');
    const path = join(dir, 'audit.jsonl');
    const follow = follower(path);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await mkdir(dir);
    await writeFile(path, record('daemon.started'));
    await follow.until(1);
    await appendFile(path, record('turn.started') + '{"torn\n');
    await follow.until(2);
    await appendFile(path, record('turn.finished').slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await appendFile(path, record('turn.finished').slice(10));
    await follow.until(3);
    expect(follow.seen).toEqual(['daemon.started', 'turn.started', 'turn.finished']);
    expect(await follow.stop()).toEqual({ skipped: 1 });
  });

  it('starts again from the beginning when the log is truncated, replaced or removed', async () => {
    const path = join(await testdir(), 'audit.jsonl');
    await writeFile(path, record('one') + record('two'));
    const follow = follower(path);
    await follow.until(2);
    await truncate(path, 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await appendFile(path, record('three'));
    await follow.until(3);
    await writeFile(`${path}.new`, record('four') + record('five'));
    await rename(`${path}.new`, path);
    await follow.until(5);
    await rm(path);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeFile(path, record('six'));
    await follow.until(6);
    expect(follow.seen).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    expect(follow.resets).toEqual(['truncated', 'replaced', 'removed']);
    await follow.stop();
  });

  it('follows one task only when asked', async () => {
    const path = join(await testdir(), 'audit.jsonl');
    const follow = follower(path, { task: 'T-2' });
    await writeFile(path, record('a', 'T-1') + record('b', 'T-2') + record('c', 'T-1') + record('d', 'T-2'));
    await follow.until(2);
    expect(follow.seen).toEqual(['b', 'd']);
    await follow.stop();
  });
});
