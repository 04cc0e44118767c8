import { join } from 'node:path';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { AuditLog } from '../../audit/index.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import type { RunnerStatus } from '../../status/types.js';
import { decode, subjects, type Heartbeat } from '../protocol.js';

/** STATE_DIR/runners.json: the runners as the daemon last heard them (read by `ccx status`). */
export const RUNNERS_FILE = 'runners.json';
/** A runner silent this long is lost (its attempts go elsewhere after JetStream's ack wait). */
export const DEFAULT_LOST_AFTER_MS = 15_000;

/** The runners this daemon hears heart-beating, written to runners.json on every change. */
export class RunnerRoster {
  private readonly runners = new Map<string, { beat: Heartbeat; seenAt: number; lost: boolean }>();
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private readonly audit: AuditLog,
    private readonly lostAfterMs = DEFAULT_LOST_AFTER_MS,
  ) {}

  listen(nc: NatsConnection): void {
    this.subscription = nc.subscribe(subjects.heartbeats, { callback: (_error, message) => this.heard(decode<Heartbeat>(message.data)) });
    this.timer = setInterval(() => this.sweep(), Math.max(250, Math.floor(this.lostAfterMs / 3)));
    this.timer.unref();
  }

  list(): RunnerStatus[] {
    return [...this.runners.values()].map(({ beat, seenAt, lost }) => ({ name: beat.name, host: beat.host, slots: beat.slots, busy: beat.busy, labels: beat.labels, lastHeartbeat: new Date(seenAt).toISOString(), lost }));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
    await this.writing;
  }

  private heard(beat: Heartbeat): void {
    const known = this.runners.get(beat.name);
    if (beat.leaving === true) {
      if (known !== undefined && !known.lost) this.audit.write('runner.lost', { runner: beat.name, reason: 'it stopped' });
      this.runners.set(beat.name, { beat, seenAt: Date.now(), lost: true });
    } else {
      if (known === undefined || known.lost) this.audit.write('runner.joined', { runner: beat.name, host: beat.host, slots: beat.slots, labels: beat.labels });
      this.runners.set(beat.name, { beat, seenAt: Date.now(), lost: false });
    }
    this.save();
  }

  private sweep(): void {
    const now = Date.now();
    let changed = false;
    for (const entry of this.runners.values()) {
      if (entry.lost || now - entry.seenAt < this.lostAfterMs) continue;
      entry.lost = true;
      changed = true;
      this.audit.write('runner.lost', { runner: entry.beat.name, reason: `no heartbeat for ${Math.round((now - entry.seenAt) / 1000)} s` });
    }
    if (changed) this.save();
  }

  private save(): void {
    const text = `${JSON.stringify({ runners: this.list() }, null, 2)}\n`;
    this.writing = this.writing.then(() => writeFileAtomic(join(this.stateDir, RUNNERS_FILE), text)).catch(() => undefined);
  }
}
