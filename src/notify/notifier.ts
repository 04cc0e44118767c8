import { basename } from 'node:path';
import type { AuditLog, AuditRecordWritten } from '../audit/index.js';
import { scrubReason } from '../audit/scrub.js';
import { NOTIFY_DEFAULTS, SinkChannel, type DeliveryFailure, type DeliveryOptions } from './channel.js';
import { notificationFor } from './messages.js';
import { sendCommand } from './sinks/command.js';
import { desktopArgv } from './sinks/desktop.js';
import { sendWebhook, webhookTarget } from './sinks/webhook.js';
import type { Message, Notification, SendResult, SinkConfig } from './types.js';

export interface NotifierOptions {
  /** Fills `${NAME}` in webhook URLs and headers; desktop programs are looked up on its PATH. */
  env: NodeJS.ProcessEnv;
  /** The daemon's log: sink names, targets and reasons only, never a URL or a header. */
  warn: (fields: Record<string, unknown>, message: string) => void;
  delivery?: DeliveryOptions;
  platform?: NodeJS.Platform;
}

/** Where a notification came from: its repository's audit log takes the `notify.failed`. */
type Origin = AuditLog | null;

interface Channel {
  sink: SinkConfig;
  target: string;
  channel: SinkChannel<Origin>;
}

/**
 * The daemon's notifications (SPEC 15): follows each repository's audit log, turns the records a
 * person needs into one message each, and hands them to every sink that wants them (the data
 * root's notify.yaml and the repository's own `notify:`), never waiting for a sink.
 */
export class Notifier {
  private globalSinks: readonly SinkConfig[] = [];
  private readonly channels = new Map<string, Channel>();
  private readonly delivery: DeliveryOptions;
  private desktop: Promise<{ argv: string[] } | { missing: string }> | null = null;
  private desktopMissingSaid = false;
  /** limit.paused is written by every task that meets the limit: one message per agent and reset. */
  private readonly limitsSaid = new Set<string>();

  constructor(private readonly options: NotifierOptions) {
    this.delivery = options.delivery ?? NOTIFY_DEFAULTS;
  }

  /** The data root's notify.yaml sinks (for every repository). */
  setGlobalSinks(sinks: readonly SinkConfig[]): void {
    this.globalSinks = sinks;
  }

  /** Follows `audit`; `repoSinks` is asked on each record, so a config.yaml saved later takes effect. Returns the detach. */
  attach(audit: AuditLog, repoSinks: () => readonly SinkConfig[]): () => void {
    return audit.listen((record) => this.recorded(record, audit, repoSinks()));
  }

  /** The daemon stops because of an error: audited in every log, told to every sink once, flushed (bounded). */
  async daemonFailed(reason: string, audits: readonly AuditLog[], repoSinks: ReadonlyArray<readonly SinkConfig[]>): Promise<void> {
    for (const audit of audits) audit.write('daemon.failed', { reason });
    // Sinks are outside the machine: they get the reason scrubbed as the audit log has it.
    const notification = notificationFor({ event: 'daemon.failed', time: new Date().toISOString(), reason: scrubReason(reason), repo: '' });
    if (notification !== null) this.dispatch(notification, [this.globalSinks, ...repoSinks].flat(), audits[0] ?? null);
    await this.flush();
  }

  /** Sends what is queued for at most `ms` (a stopping daemon); later pushes are ignored. */
  async flush(ms = this.delivery.flushMs): Promise<void> {
    await Promise.all([...this.channels.values()].map((entry) => entry.channel.flush(ms)));
  }

  private recorded(record: AuditRecordWritten, audit: AuditLog, repoSinks: readonly SinkConfig[]): void {
    // daemonFailed() tells every sink once; each repository's copy of the record is not news.
    if (record.event === 'daemon.failed') return;
    const notification = notificationFor(record);
    if (notification === null) return;
    if (notification.event === 'limit.paused') {
      const key = `${notification.repo}\0${String(notification.details['agent'])}\0${String(notification.details['until'])}`;
      if (this.limitsSaid.has(key)) return;
      this.limitsSaid.add(key);
    }
    this.dispatch(notification, [...this.globalSinks, ...repoSinks], audit);
  }

  private dispatch(notification: Notification, sinks: readonly SinkConfig[], origin: Origin): void {
    const seen = new Set<string>();
    for (const sink of sinks) {
      if (!sink.events.includes(notification.event)) continue;
      const key = JSON.stringify(sink);
      if (seen.has(key)) continue;
      seen.add(key);
      this.channel(key, sink).channel.push(notification, origin);
    }
  }

  private channel(key: string, sink: SinkConfig): Channel {
    let entry = this.channels.get(key);
    if (entry === undefined) {
      const target = targetOf(sink, this.options.env);
      const created: Channel = {
        sink,
        target,
        channel: new SinkChannel<Origin>((message, signal) => this.send(sink, message, signal), (failure) => this.failed(created, failure), this.delivery),
      };
      entry = created;
      this.channels.set(key, entry);
    }
    return entry;
  }

  private async send(sink: SinkConfig, message: Message, signal: AbortSignal): Promise<SendResult> {
    switch (sink.type) {
      case 'webhook':
        return sendWebhook(sink, message, this.options.env, signal);
      case 'command':
        return sendCommand(sink.argv, message, signal);
      case 'desktop': {
        this.desktop ??= desktopArgv(this.options.env, this.options.platform);
        const found = await this.desktop;
        if ('argv' in found) return sendCommand(found.argv, message, signal);
        // Said once (log and audit); after that a desktop sink here is quietly nothing.
        if (this.desktopMissingSaid) return { ok: true };
        this.desktopMissingSaid = true;
        return { ok: false, reason: `${found.missing}; desktop notifications are off`, retry: false };
      }
    }
  }

  private failed(entry: Channel, failure: DeliveryFailure<Origin>): void {
    const task = failure.message.event === 'digest' ? undefined : failure.message.task;
    this.options.warn({ sink: entry.sink.name, target: entry.target, notification: failure.message.event, reason: failure.reason, ...(task === undefined ? {} : { task }) }, 'a notification could not be delivered');
    failure.origin?.write('notify.failed', { ...(task === undefined ? {} : { task }), sink: entry.sink.name, notification: failure.message.event, reason: failure.reason, target: entry.target });
  }
}

/** What logs may name of a sink: a webhook's scheme and host, a command's program. */
export function targetOf(sink: SinkConfig, env: NodeJS.ProcessEnv): string {
  if (sink.type === 'webhook') return webhookTarget(sink.url, env);
  if (sink.type === 'command') return basename(sink.argv[0] ?? '');
  return 'desktop';
}
