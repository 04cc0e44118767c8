import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { ATTEMPTS_STREAM, CHECKPOINTS_STREAM, consumerName, EVENTS_STREAM, subjects } from '../protocol.js';

/** How long a claimed attempt stays with a runner that stops sending in-progress acks. */
export const DEFAULT_ACK_WAIT_MS = 60_000;
/** Deliveries of one attempt before JetStream gives up on it (the daemon then fails the task). */
export const MAX_DELIVER = 10;
/** How long runner events are kept (a daemon down longer than this loses a remote attempt's progress). */
const EVENTS_MAX_AGE_MS = 7 * 24 * 3_600_000;

const ms = (value: number) => value * 1_000_000;

/** The three streams, made when missing (idempotent; every daemon and runner calls it). File storage, so a server restart loses nothing. */
export async function ensureStreams(jsm: JetStreamManager, replicas = 1): Promise<void> {
  const wanted: Array<Partial<StreamConfig> & { name: string; subjects: string[] }> = [
    { name: ATTEMPTS_STREAM, subjects: ['ccx.attempts.>'], retention: RetentionPolicy.Workqueue, storage: StorageType.File, num_replicas: replicas },
    { name: EVENTS_STREAM, subjects: ['ccx.events.>'], retention: RetentionPolicy.Limits, storage: StorageType.File, max_age: ms(EVENTS_MAX_AGE_MS), num_replicas: replicas },
    { name: CHECKPOINTS_STREAM, subjects: ['ccx.checkpoints.>'], retention: RetentionPolicy.Limits, storage: StorageType.File, max_msgs_per_subject: 1, num_replicas: replicas },
  ];
  for (const config of wanted) {
    try {
      await jsm.streams.info(config.name);
    } catch {
      try {
        await jsm.streams.add(config);
      } catch (error) {
        // Another process made it meanwhile.
        if (!/already in use|exists/i.test(String(error))) throw error;
      }
    }
  }
}

/** The durable pull consumer for one label, shared by every runner serving it. */
export async function ensureConsumer(jsm: JetStreamManager, label: string, ackWaitMs: number): Promise<string> {
  const name = consumerName(label);
  try {
    await jsm.consumers.info(ATTEMPTS_STREAM, name);
  } catch {
    try {
      await jsm.consumers.add(ATTEMPTS_STREAM, {
        durable_name: name,
        filter_subject: subjects.attemptsFor(label),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ms(ackWaitMs),
        max_deliver: MAX_DELIVER,
      });
    } catch (error) {
      if (!/already in use|exists/i.test(String(error))) throw error;
    }
  }
  return name;
}
