import { hostname } from 'node:os';
import { jetstream, jetstreamManager, type Consumer } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CcxEnv } from '../../config/env.js';
import { LimitGate } from '../../daemon/limits/limit-gate.js';
import { ANY_LABEL, type NatsSettings } from '../config.js';
import { connectNats } from '../nats/connect.js';
import { ensureConsumer, ensureStreams } from '../nats/streams.js';
import { ATTEMPTS_STREAM, decode, encode, subjects, type AttemptOrder, type Heartbeat } from '../protocol.js';
import type { RunnerOverrides } from './overrides.js';
import { RepoCache } from './repo-cache.js';
import { runClaimed, type RunnerContext } from './run-claimed.js';

export const DEFAULT_HEARTBEAT_MS = 5_000;
/** How long one pull waits for an attempt before the slot asks again (and notices a stop). */
const PULL_EXPIRES_MS = 2_000;

export interface RunnerOptions {
  nats: NatsSettings;
  name: string;
  slots: number;
  /** Kinds of attempt this runner takes beside `any`. */
  labels: string[];
  cache: string;
  ackWaitMs: number;
  heartbeatMs: number;
  overrides: RunnerOverrides;
  env: CcxEnv;
  log(line: string): void;
}

/** `ccx runner`: claims attempts from the work queue, `slots` at a time, and heart-beats (SPEC 16). */
export class Runner {
  private nc: NatsConnection | null = null;
  private readonly stopping = new AbortController();
  private readonly running = new Set<string>();
  /** The attempts running here, by repository, task and attempt: a redelivery of one supersedes it. */
  private readonly attempts = new Map<string, { superseded: AbortController; done: Promise<void> }>();
  private loops: Array<Promise<void>> = [];
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: RunnerOptions) {}

  async start(): Promise<void> {
    const { options } = this;
    const nc = await connectNats(options.nats, `ccx-runner ${options.name}`);
    this.nc = nc;
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm);
    const labels = [...options.labels.filter((label) => label !== ANY_LABEL), ANY_LABEL];
    const js = jetstream(nc);
    const consumers: Consumer[] = [];
    for (const label of labels) consumers.push(await js.consumers.get(ATTEMPTS_STREAM, await ensureConsumer(jsm, label, options.ackWaitMs)));
    const context: RunnerContext = {
      name: options.name,
      host: hostname(),
      nc,
      js,
      jsm,
      cache: new RepoCache(options.cache),
      limits: new LimitGate({ paused: (agent, until) => options.log(`${agent} hit a usage limit; paused on this runner until ${until.toISOString()}`), resumed: (agent) => options.log(`${agent} resumed`) }),
      env: options.env,
      ackWaitMs: options.ackWaitMs,
      overrides: options.overrides,
      stopping: this.stopping.signal,
      log: options.log,
    };
    this.beat();
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.loops = Array.from({ length: options.slots }, (_, slot) => this.slotLoop(context, consumers, slot));
    options.log(`runner ${options.name} serves ${labels.join(', ')} with ${options.slots} slot${options.slots === 1 ? '' : 's'} on ${options.nats.servers.join(', ')}`);
  }

  /** Hands running attempts back (they continue elsewhere from their last pushed turn), says goodbye, disconnects. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.loops);
    clearInterval(this.heartbeat);
    this.beat(true);
    await this.nc?.drain().catch(() => undefined);
  }

  private async slotLoop(context: RunnerContext, consumers: Consumer[], slot: number): Promise<void> {
    let turn = slot;
    while (!this.stopping.signal.aborted) {
      // Labelled kinds first, then any; slots start at different consumers so none starves.
      const consumer = consumers[turn % consumers.length] as Consumer;
      turn += 1;
      let msg;
      try {
        msg = await consumer.next({ expires: PULL_EXPIRES_MS });
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (msg === null) continue;
      if (this.stopping.signal.aborted) {
        msg.nak();
        break;
      }
      const key = msg.subject;
      // A redelivery of an attempt this runner still runs (its in-progress acks were lost, say while
      // nats-server restarted): the older run stops first, without its ack or its cleanup, so the two
      // never share the task's worktree; the new delivery continues from the last pushed turn.
      const order = decode<AttemptOrder>(msg.data);
      const attempt = `${order.repoKey}/${order.task.id}/a${order.task.attempt}`;
      const earlier = this.attempts.get(attempt);
      if (earlier !== undefined) {
        earlier.superseded.abort();
        await earlier.done;
      }
      const superseded = new AbortController();
      const done = runClaimed(context, msg, superseded.signal);
      const mine = { superseded, done: done.then(() => undefined, () => undefined) };
      this.attempts.set(attempt, mine);
      this.running.add(key);
      this.beat();
      try {
        await done;
      } finally {
        if (this.attempts.get(attempt) === mine) this.attempts.delete(attempt);
        this.running.delete(key);
        this.beat();
      }
    }
  }

  private beat(leaving = false): void {
    if (this.nc === null || this.nc.isClosed()) return;
    const beat: Heartbeat = {
      name: this.options.name,
      host: hostname(),
      slots: this.options.slots,
      busy: this.running.size,
      labels: this.options.labels,
      running: [...this.running].map((subject) => subject.split('.').filter((_, index) => index === 2 || index === 4).join('/')),
      time: new Date().toISOString(),
      ...(leaving ? { leaving: true } : {}),
    };
    try {
      this.nc.publish(subjects.heartbeat(this.options.name), encode(beat));
    } catch {
      // Disconnected: the next beat goes out once the connection is back.
    }
  }
}
