import { appendFile, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { gitdir } from '../helpers/gitdir.js';
import { call, uiFixture, type UiFixture } from './fixture.js';
import { SseClient } from './sse-client.js';

function line(n: number, task = 'T-1'): string {
  return `${JSON.stringify({ time: `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`, event: 'turn.started', repo: '/r', task, n })}\n`;
}

async function appendLines(fixture: UiFixture, numbers: number[]): Promise<number[]> {
  const audit = join(fixture.stateDir, 'audit.jsonl');
  const offsets: number[] = [];
  for (const n of numbers) {
    offsets.push(await stat(audit).then((stats) => stats.size, () => 0));
    await appendFile(audit, line(n));
  }
  return offsets;
}

const numberOf = (data: string) => (JSON.parse(data) as { record: { n: number } }).record.n;

describe('GET /api/events', () => {
  it('replays the newest N, says so, then streams new lines with their byte offset as id', async () => {
    const fixture = await uiFixture();
    const offsets = await appendLines(fixture, [1, 2, 3]);
    const client = await SseClient.open(fixture, `/api/events?repo=${fixture.key}&history=2`);
    expect(client.status).toBe(200);
    await client.until((events) => events.some((event) => event.event === 'replayed'));
    expect(client.messages().map((event) => [event.id, numberOf(event.data)])).toEqual([[String(offsets[1]), 2], [String(offsets[2]), 3]]);
    expect(JSON.parse(client.events.find((event) => event.event === 'replayed')?.data ?? '')).toEqual({ count: 2 });
    const [fourth] = await appendLines(fixture, [4]);
    await client.until(() => client.messages().length === 3);
    const last = client.messages()[2];
    expect([last?.id, numberOf(last?.data ?? '')]).toEqual([String(fourth), 4]);
    expect(JSON.parse(last?.data ?? '')).toMatchObject({ key: fixture.key, offset: fourth, record: { event: 'turn.started', task: 'T-1' } });
    client.close();
  });

  it('Last-Event-ID resumes exactly after that line: each missed line once, none twice', async () => {
    const fixture = await uiFixture();
    await appendLines(fixture, [1, 2, 3]);
    const first = await SseClient.open(fixture, `/api/events?repo=${fixture.key}`);
    await first.until(() => first.messages().length === 3);
    const lastId = first.messages()[2]?.id ?? '';
    first.close();
    await appendLines(fixture, [4, 5]);
    const second = await SseClient.open(fixture, `/api/events?repo=${fixture.key}`, { 'last-event-id': lastId });
    await second.until((events) => events.some((event) => event.event === 'replayed'));
    await appendLines(fixture, [6]);
    await second.until(() => second.messages().length === 3);
    expect(second.messages().map((event) => numberOf(event.data))).toEqual([4, 5, 6]);
    second.close();
    // The same through the query parameter (EventSource cannot set headers on its first connection).
    const third = await SseClient.open(fixture, `/api/events?repo=${fixture.key}&lastEventId=${second.messages()[1]?.id ?? ''}`);
    await third.until((events) => events.some((event) => event.event === 'replayed'));
    expect(third.messages().map((event) => numberOf(event.data))).toEqual([6]);
    third.close();
  });

  it('all repositories in one stream: ids are key@offset, and a resume continues from them', async () => {
    const fixture = await uiFixture();
    const offsets = await appendLines(fixture, [1, 2]);
    const client = await SseClient.open(fixture, '/api/events');
    await client.until(() => client.messages().length === 2);
    expect(client.messages().map((event) => event.id)).toEqual([`${fixture.key}@${offsets[0]}`, `${fixture.key}@${offsets[1]}`]);
    client.close();
    await appendLines(fixture, [3]);
    const resumed = await SseClient.open(fixture, `/api/events?lastEventId=${encodeURIComponent(`${fixture.key}@${offsets[1]}`)}`);
    await resumed.until((events) => events.some((event) => event.event === 'replayed'));
    expect(resumed.messages().map((event) => numberOf(event.data))).toEqual([3]);
    resumed.close();
  });

  it('the stream of every repository takes in one set up after it connected: a state event, then its lines', { timeout: 30_000 }, async () => {
    // No safety poll in this test's time: the data root's change events must do it.
    const fixture = await uiFixture({ events: { pollMs: 600_000 } });
    const client = await SseClient.open(fixture, '/api/events');
    await client.until((events) => events.some((event) => event.event === 'replayed'));
    const init = await runCli(['init'], { cwd: await gitdir(), env: fixture.env });
    expect(init.exitCode, init.stderr).toBe(0);
    const key = basename(init.stdout.trim());
    await client.until((events) => events.some((event) => event.event === 'state' && (JSON.parse(event.data) as { key: string }).key === key));
    await appendFile(join(init.stdout.trim(), 'audit.jsonl'), line(7, 'T-9'));
    await client.until(() => client.messages().some((event) => (JSON.parse(event.data) as { key: string }).key === key && numberOf(event.data) === 7));
    expect(client.messages().at(-1)?.id).toContain(`${key}@`);
    client.close();
  });

  it('a change of the board is a state event, so the page can fetch /api/state again', async () => {
    const fixture = await uiFixture({ rows: [{ title: 'Draft', draft: true }] });
    const client = await SseClient.open(fixture, `/api/events?repo=${fixture.key}`);
    await client.until((events) => events.some((event) => event.event === 'replayed'));
    const state = (await call(fixture, 'GET', '/api/state')).json();
    await call(fixture, 'POST', `/api/repos/${fixture.key}/tasks/T-1/pending`, { body: { expect: state.repos[0].tasks[0].version } });
    const [event] = await client.until((events) => events.some((candidate) => candidate.event === 'state')).then((events) => events.filter((candidate) => candidate.event === 'state'));
    expect(JSON.parse(event?.data ?? '')).toEqual({ key: fixture.key });
    client.close();
  });

  it('a truncated log is a reset event, then its lines from the start', async () => {
    const fixture = await uiFixture();
    await appendLines(fixture, [1, 2]);
    const client = await SseClient.open(fixture, `/api/events?repo=${fixture.key}`);
    await client.until(() => client.messages().length === 2);
    await writeFile(join(fixture.stateDir, 'audit.jsonl'), line(9));
    await client.until(() => client.messages().length === 3);
    expect(client.events.some((event) => event.event === 'reset')).toBe(true);
    expect([client.messages()[2]?.id, numberOf(client.messages()[2]?.data ?? '')]).toEqual(['0', 9]);
    client.close();
  });

  it('refuses a Last-Event-ID that is not one of its ids, and an unknown repository', async () => {
    const fixture = await uiFixture();
    const bad = await SseClient.open(fixture, `/api/events?repo=${fixture.key}`, { 'last-event-id': '../x' });
    await bad.until(() => false);
    expect(bad.status).toBe(400);
    const unknown = await SseClient.open(fixture, '/api/events?repo=nope-1234567');
    await unknown.until(() => false);
    expect(unknown.status).toBe(404);
  });

  it('cuts a client that does not read once too much is buffered for it', async () => {
    const fixture = await uiFixture({ events: { maxBufferedBytes: 64 * 1024 } });
    const socket = connect(fixture.server.port, '127.0.0.1');
    socket.write(`GET /api/events?repo=${fixture.key} HTTP/1.1\r\nHost: ${fixture.host}\r\nCookie: ccx_ui_${fixture.server.port}=${fixture.server.token}\r\n\r\n`);
    socket.pause();
    // About 24 MiB of audit lines, far past what the socket buffers hold, while the client reads nothing.
    const padding = 'x'.repeat(3000);
    const chunk = Array.from({ length: 1000 }, (_, i) => `${JSON.stringify({ time: '2026-01-01T00:00:00.000Z', event: 'turn.started', repo: '/r', i, padding })}\n`).join('');
    for (let i = 0; i < 8; i += 1) await appendFile(join(fixture.stateDir, 'audit.jsonl'), chunk);
    let received = 0;
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // The server cuts within the first few MiB; the client only looks after giving it ample time.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    socket.on('data', (data: Buffer) => (received += data.length));
    socket.resume();
    await ended;
    expect(received).toBeLessThan(8 * chunk.length);
  });
});
