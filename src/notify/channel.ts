import type { Digest, Message, Notification, SendResult } from './types.js';

/** Every default of delivery, named (SPEC 15: a sink never delays a task). */
export const NOTIFY_DEFAULTS = {
  /** One try of one send. */
  timeoutMs: 5_000,
  /** Waits before the 2nd and 3rd try (a Retry-After, up to 30 s, wins when longer). */
  backoffMs: [1_000, 4_000] as readonly number[],
  /** Messages waiting for one sink; past it the oldest go, counted. */
  queueLimit: 100,
  /** More than this many in one window: the rest of the window goes as one digest. */
  digestAfter: 5,
  digestWindowMs: 60_000,
  /** How long a stopping daemon waits for what is still queued. */
  flushMs: 2_000,
};
export type DeliveryOptions = typeof NOTIFY_DEFAULTS;

/** A message a sink could not take, with where it came from (to audit it there). */
export interface DeliveryFailure<O> {
  message: Message;
  reason: string;
  origin: O;
}

interface Item<O> {
  message: Message;
  origin: O;
}

/**
 * One sink's delivery: a digest window, a bounded queue, and one send at a time with a timeout,
 * bounded retries and backoff. Nothing here is awaited by the daemon's work: `push` returns at once.
 */
export class SinkChannel<O> {
  private readonly queue: Item<O>[] = [];
  private dropped = 0;
  private readonly recent: number[] = [];
  private held: Array<{ message: Notification; origin: O }> = [];
  private digestTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | null = null;
  /** Aborted at the end of a flush: the send or wait under way gives up. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly send: (message: Message, signal: AbortSignal) => Promise<SendResult>,
    private readonly failed: (failure: DeliveryFailure<O>) => void,
    private readonly options: DeliveryOptions = NOTIFY_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queues `notification` (or holds it for the window's digest) and returns at once. */
  push(notification: Notification, origin: O): void {
    if (this.stopping.signal.aborted) return;
    const now = this.now();
    while (this.recent.length > 0 && this.recent[0]! <= now - this.options.digestWindowMs) this.recent.shift();
    this.recent.push(now);
    if (this.recent.length <= this.options.digestAfter && this.held.length === 0) {
      this.enqueue({ message: notification, origin });
      return;
    }
    this.held.push({ message: notification, origin });
    this.digestTimer ??= setTimeout(() => this.releaseDigest(), Math.max(0, this.recent[0]! + this.options.digestWindowMs - now)).unref();
  }

  /** Sends what is held and queued, for at most `ms`; then gives up on the rest (counted once). */
  async flush(ms: number = this.options.flushMs): Promise<void> {
    this.releaseDigest();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()));
    await Promise.race([this.idle(), deadline]);
    clearTimeout(timer);
    this.stopping.abort();
    const left = this.queue.length + this.dropped;
    if (left > 0) {
      const first = this.queue[0];
      this.queue.length = 0;
      this.dropped = 0;
      if (first !== undefined) this.failed({ message: first.message, reason: `ccx stopped before ${left} notification${left === 1 ? '' : 's'} could be sent`, origin: first.origin });
    }
    await this.pumping;
  }

  private async idle(): Promise<void> {
    while (this.pumping !== null) await this.pumping;
  }

  private releaseDigest(): void {
    clearTimeout(this.digestTimer);
    this.digestTimer = undefined;
    const held = this.held;
    this.held = [];
    if (held.length === 0) return;
    if (held.length === 1) return this.enqueue(held[0]!);
    this.enqueue({ message: digestOf(held.map((item) => item.message), this.now()), origin: held[0]!.origin });
  }

  private enqueue(item: Item<O>): void {
    if (this.queue.length >= this.options.queueLimit) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(item);
    this.pumping ??= this.pump().finally(() => (this.pumping = null));
  }

  private async pump(): Promise<void> {
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      if (this.dropped > 0) {
        this.failed({ message: item.message, reason: `the queue was full (${this.options.queueLimit}): ${this.dropped} older notification${this.dropped === 1 ? ' was' : 's were'} dropped`, origin: item.origin });
        this.dropped = 0;
      }
      const reason = await this.deliver(item.message);
      if (reason !== null) this.failed({ message: item.message, reason, origin: item.origin });
      if (this.stopping.signal.aborted) return;
    }
  }

  /** Up to 1 + backoff.length tries; null when delivered, else why not. */
  private async deliver(message: Message): Promise<string | null> {
    const tries = this.options.backoffMs.length + 1;
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.once(message);
      if (result.ok) return null;
      const last = attempt + 1 >= tries || !result.retry || this.stopping.signal.aborted;
      if (last) return `${result.reason}${attempt === 0 ? '' : ` (after ${attempt + 1} tries)`}`;
      const wait = Math.max(this.options.backoffMs[attempt] ?? 0, result.retryAfterMs ?? 0);
      if (!(await sleep(wait, this.stopping.signal))) return `${result.reason} (ccx stopped before the next try)`;
    }
  }

  private async once(message: Message): Promise<SendResult> {
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(), this.options.timeoutMs).unref();
    const onStop = () => attempt.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    const timedOut: SendResult = { ok: false, reason: `timed out after ${seconds(this.options.timeoutMs)}`, retry: true };
    // A send that ignores its signal still ends here at the timeout.
    const aborted = new Promise<SendResult>((resolve) => attempt.signal.addEventListener('abort', () => resolve(timedOut), { once: true }));
    try {
      const result = await Promise.race([this.send(message, attempt.signal), aborted]);
      return !result.ok && attempt.signal.aborted ? timedOut : result;
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.name : 'the send failed', retry: true };
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }
}

/** One message for many: what happened, one line each. */
export function digestOf(notifications: readonly Notification[], now: number): Digest {
  const repos = new Set(notifications.map((item) => item.title));
  const title = repos.size === 1 ? notifications[0]!.title : 'ccx';
  return { event: 'digest', time: new Date(now).toISOString(), title, text: `${notifications.length} things happened in the last minute:`, notifications };
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Resolves true after `ms`, or false at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(true);
    }, ms).unref();
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}
