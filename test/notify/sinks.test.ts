import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openAuditLog, type AuditLog } from '../../src/audit/index.js';
import { NOTIFY_DEFAULTS, Notifier, type SinkConfig } from '../../src/notify/index.js';
import { testdir } from '../helpers/testdir.js';
import { webhookServer } from './webhook-server.js';

const CAPTURE = fileURLToPath(new URL('./fixtures/capture-stdin.mjs', import.meta.url));
const EVENTS = ['question', 'blocked', 'merged', 'failed', 'limit.paused', 'daemon.failed'] as const;

async function setup(sinks: SinkConfig[], delivery = NOTIFY_DEFAULTS): Promise<{ audit: AuditLog; notifier: Notifier; dir: string; records: () => Promise<Array<Record<string, unknown>>> }> {
  const dir = await testdir();
  const audit = openAuditLog(join(dir, 'audit.jsonl'), { repo: '/work/shop' });
  const notifier = new Notifier({ env: { ...process.env, TEST_TOKEN: 'tok-s3cret' }, warn: () => undefined, delivery });
  notifier.attach(audit, () => sinks);
  const records = async () => (await readFile(join(dir, 'audit.jsonl'), 'utf8')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { audit, notifier, dir, records };
}

function happen(audit: AuditLog): void {
  audit.write('task.finished', { task: 'T-12', status: 'blocked', exit_status: 'tests', error: 'tests failed 3 times' });
  audit.write('task.finished', { task: 'T-3', status: 'merged', exit_status: 'merged', commit: '0123456789abcdef0123' });
  audit.write('ask.asked', { task: 'T-4', id: 'q-1', question: 'Which database?', options: ['sqlite', 'postgres'], file: 'asks/T-4.md', timeout_at: '2026-12-06T10:00:00Z' });
}

describe('webhook formats', () => {
  it('posts blocked, merged and question in json, slack, discord and ntfy shapes', async () => {
    const server = await webhookServer();
    const sinks: SinkConfig[] = (['json', 'slack', 'discord', 'ntfy'] as const).map((format) => ({ type: 'webhook', name: format, events: [...EVENTS], url: `${server.origin}/${format}`, format, headers: {} }));
    const { audit, notifier } = await setup(sinks);
    happen(audit);
    const requests = await server.received(12);
    await notifier.flush();
    const by = (format: string) => requests.filter((request) => request.path === `/${format}`);

    const json = by('json').map((request) => JSON.parse(request.body) as Record<string, unknown>);
    expect(json.map((body) => body['event'])).toEqual(['blocked', 'merged', 'question']);
    expect(json[0]).toMatchObject({ event: 'blocked', task: 'T-12', repo: '/work/shop', title: 'ccx · shop', text: 'T-12 blocked: tests failed 3 times — see BOARD.md.' });
    expect(json[2]).toMatchObject({ event: 'question', task: 'T-4', details: { question: 'Which database?', options: ['sqlite', 'postgres'], where: 'asks/T-4.md' } });
    expect(by('json')[0]?.headers['content-type']).toBe('application/json');

    const slack = by('slack').map((request) => JSON.parse(request.body) as { text: string; blocks: Array<{ type: string; text: { type: string; text: string } }> });
    expect(slack[0]?.text).toBe('*ccx · shop*\nT-12 blocked: tests failed 3 times — see BOARD.md.');
    expect(slack[0]?.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: slack[0]?.text } });
    expect(slack[2]?.text).toContain('T-4 asks: Which database? Options: sqlite / postgres');

    const discord = by('discord').map((request) => JSON.parse(request.body) as { content: string; username: string; allowed_mentions: unknown });
    expect(discord[1]).toEqual({ username: 'ccx', content: '**ccx · shop**\nT-3 merged as 0123456789ab.', allowed_mentions: { parse: [] } });

    const ntfy = by('ntfy');
    expect(ntfy[2]?.body).toBe('T-4 asks: Which database? Options: sqlite / postgres — answer in asks/T-4.md or with `ccx answer T-4 "…"`.');
    expect(ntfy[2]?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(ntfy[2]?.headers['priority']).toBe('high');
    expect(ntfy[2]?.headers['tags']).toBe('question');
    // The title is not ASCII ("·"): RFC 2047, which ntfy decodes.
    expect(Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(String(ntfy[0]?.headers['title']))?.[1] ?? '', 'base64').toString('utf8')).toBe('ccx · shop');
  });

  it('sends only the events a sink asks for, and fills ${NAME} in headers from the environment', async () => {
    const server = await webhookServer();
    const { audit, notifier } = await setup([{ type: 'webhook', name: 'merges', events: ['merged'], url: `${server.origin}/hook`, format: 'json', headers: { Authorization: 'Bearer ${TEST_TOKEN}' } }]);
    happen(audit);
    await notifier.flush();
    expect(server.requests.map((request) => (JSON.parse(request.body) as { event: string }).event)).toEqual(['merged']);
    expect(server.requests[0]?.headers['authorization']).toBe('Bearer tok-s3cret');
  });
});

describe('many events in a minute', () => {
  it('reach a sink as 5 messages and then one digest, in the sink\'s own format', async () => {
    const server = await webhookServer();
    const { audit, notifier } = await setup([{ type: 'webhook', name: 'team', events: ['blocked'], url: `${server.origin}/hook`, format: 'slack', headers: {} }]);
    for (let index = 1; index <= 8; index += 1) audit.write('task.finished', { task: `T-${index}`, status: 'blocked', exit_status: 'stuck', error: 'stuck on one finding' });
    await notifier.flush();
    const texts = server.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
    expect(texts).toHaveLength(6);
    expect(texts[5]).toBe(['*ccx · shop*', '3 things happened in the last minute:', ...[6, 7, 8].map((index) => `• T-${index} blocked: stuck on one finding — see BOARD.md.`)].join('\n'));
  });
});

describe('a command sink', () => {
  it('gets the event as JSON on stdin, and {title} / {text} in its arguments', async () => {
    const { audit, notifier, dir } = await setup([]);
    const out = join(dir, 'captured.jsonl');
    notifier.setGlobalSinks([{ type: 'command', name: 'capture', events: ['blocked'], argv: [process.execPath, CAPTURE, out, '{title}', '{text}'] }]);
    happen(audit);
    await notifier.flush();
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { args: string[]; stdin: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.args).toEqual(['ccx · shop', 'T-12 blocked: tests failed 3 times — see BOARD.md.']);
    expect(JSON.parse(lines[0]?.stdin ?? '')).toMatchObject({ event: 'blocked', task: 'T-12', repo: '/work/shop', text: 'T-12 blocked: tests failed 3 times — see BOARD.md.' });
  });
});

describe('a failing sink', () => {
  const quick = { ...NOTIFY_DEFAULTS, timeoutMs: 300, backoffMs: [10, 20] };

  it('is tried 3 times, then notify.failed names the scheme and host only, never the path, token or headers', async () => {
    const server = await webhookServer(() => ({ status: 500 }));
    const { audit, notifier, records } = await setup([{ type: 'webhook', name: 'team', events: ['merged'], url: `${server.origin}/hooks/T0KEN-in-path?key=s3cret`, format: 'slack', headers: { 'X-Token': '${TEST_TOKEN}' } }], quick);
    audit.write('task.finished', { task: 'T-3', status: 'merged', exit_status: 'merged' });
    await server.received(3);
    await notifier.flush();
    expect(server.requests).toHaveLength(3);
    const failed = (await records()).filter((record) => record['event'] === 'notify.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ task: 'T-3', sink: 'team', notification: 'merged', target: server.origin, reason: 'HTTP 500 Internal Server Error (after 3 tries)' });
    const log = await readFile(audit.path, 'utf8');
    for (const secret of ['T0KEN', 's3cret', 'tok-s3cret', '/hooks']) expect(log).not.toContain(secret);
  });

  it('honours Retry-After on a 429', async () => {
    const server = await webhookServer((_, index) => (index === 0 ? { status: 429, headers: { 'Retry-After': '0' } } : { status: 200 }));
    const { audit, notifier, records } = await setup([{ type: 'webhook', name: 'ntfy', events: ['merged'], url: `${server.origin}/topic`, format: 'ntfy', headers: {} }], { ...quick, backoffMs: [0, 0] });
    audit.write('task.finished', { task: 'T-3', status: 'merged', exit_status: 'merged' });
    await server.received(2);
    await notifier.flush();
    expect((await records()).some((record) => record['event'] === 'notify.failed')).toBe(false);
  });

  it('that hangs is given up after its timeout, and flush never waits past its bound', async () => {
    const server = await webhookServer(() => 'hang');
    const { audit, notifier, records } = await setup([{ type: 'webhook', name: 'slow', events: ['merged'], url: `${server.origin}/x`, format: 'json', headers: {} }], { ...quick, backoffMs: [] });
    audit.write('task.finished', { task: 'T-3', status: 'merged', exit_status: 'merged' });
    await server.received(1);
    await notifier.flush(5_000);
    const failed = (await records()).filter((record) => record['event'] === 'notify.failed');
    expect(failed.map((record) => record['reason'])).toEqual(['timed out after 300 ms']);
  });

  it('a command sink that is not there fails once with a message', async () => {
    const { audit, notifier, records } = await setup([{ type: 'command', name: 'nothing', events: ['merged'], argv: ['/nonexistent/notify-me'] }], quick);
    audit.write('task.finished', { task: 'T-3', status: 'merged', exit_status: 'merged' });
    await notifier.flush();
    expect((await records()).filter((record) => record['event'] === 'notify.failed').map((record) => [record['reason'], record['target']])).toEqual([['notify-me was not found', 'notify-me']]);
  });

  it('a desktop sink with no notifier here says so once, then stays quiet', async () => {
    const dir = await testdir();
    const audit = openAuditLog(join(dir, 'audit.jsonl'), { repo: '/work/shop' });
    const notifier = new Notifier({ env: { PATH: dir }, warn: () => undefined, delivery: quick, platform: 'linux' });
    notifier.attach(audit, () => [{ type: 'desktop', name: 'desktop', events: ['merged'] }]);
    audit.write('task.finished', { task: 'T-1', status: 'merged', exit_status: 'merged' });
    audit.write('task.finished', { task: 'T-2', status: 'merged', exit_status: 'merged' });
    await notifier.flush();
    const failed = (await readFile(audit.path, 'utf8')).split('\n').filter((line) => line.includes('notify.failed')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(failed.map((record) => [record['task'], record['reason']])).toEqual([['T-1', 'notify-send was not found on PATH (install libnotify-bin or libnotify); desktop notifications are off']]);
  });
});
