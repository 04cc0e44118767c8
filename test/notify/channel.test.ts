import { describe, expect, it } from 'vitest';
import { NOTIFY_DEFAULTS, SinkChannel, plainText, type DeliveryFailure, type Message, type Notification } from '../../src/notify/index.js';

function notification(index: number): Notification {
  return { event: 'merged', repo: '/work/shop', task: `T-${index}`, time: new Date(0).toISOString(), title: 'ccx · shop', text: `T-${index} merged.`, details: {} };
}

describe('the digest', () => {
  it('sends the first 5 of a minute one by one and the rest as one digest', async () => {
    const sent: Message[] = [];
    const channel = new SinkChannel<null>(async (message) => (sent.push(message), { ok: true }), () => undefined, NOTIFY_DEFAULTS);
    for (let index = 1; index <= 12; index += 1) channel.push(notification(index), null);
    await channel.flush();
    expect(sent.map((message) => message.event)).toEqual(['merged', 'merged', 'merged', 'merged', 'merged', 'digest']);
    const digest = sent[5];
    expect(digest?.event === 'digest' ? digest.notifications.map((item) => item.task) : []).toEqual(['T-6', 'T-7', 'T-8', 'T-9', 'T-10', 'T-11', 'T-12']);
    expect(plainText(digest!)).toBe(['7 things happened in the last minute:', ...[6, 7, 8, 9, 10, 11, 12].map((index) => `• T-${index} merged.`)].join('\n'));
  });

  it('starts over once the window has passed', async () => {
    const sent: Message[] = [];
    let now = 0;
    const channel = new SinkChannel<null>(async (message) => (sent.push(message), { ok: true }), () => undefined, NOTIFY_DEFAULTS, () => now);
    for (let index = 1; index <= 5; index += 1) channel.push(notification(index), null);
    now = NOTIFY_DEFAULTS.digestWindowMs + 1;
    channel.push(notification(6), null);
    await channel.flush();
    expect(sent.map((message) => message.event)).toEqual(['merged', 'merged', 'merged', 'merged', 'merged', 'merged']);
  });
});

describe('the queue', () => {
  it('keeps at most queueLimit messages, drops the oldest and says how many', async () => {
    const sent: string[] = [];
    const failures: Array<DeliveryFailure<null>> = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const channel = new SinkChannel<null>(
      async (message) => {
        if (sent.length === 0) await first;
        sent.push(message.event === 'digest' ? 'digest' : (message.task ?? ''));
        return { ok: true };
      },
      (failure) => failures.push(failure),
      { ...NOTIFY_DEFAULTS, queueLimit: 3, digestAfter: 100 },
    );
    for (let index = 1; index <= 6; index += 1) channel.push(notification(index), null);
    release();
    await channel.flush();
    // T-1 was being sent; of T-2…T-6 the queue of 3 kept T-4, T-5, T-6.
    expect(sent).toEqual(['T-1', 'T-4', 'T-5', 'T-6']);
    expect(failures.map((failure) => failure.reason)).toEqual(['the queue was full (3): 2 older notifications were dropped']);
  });

  it('never lets a sink that always fails hold anything up: push returns at once', () => {
    const channel = new SinkChannel<null>(() => new Promise(() => undefined), () => undefined, NOTIFY_DEFAULTS);
    for (let index = 1; index <= 1000; index += 1) channel.push(notification(index), null);
    return channel.flush(10);
  });
});
