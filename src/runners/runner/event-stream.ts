import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { JetStreamClient } from '@nats-io/jetstream';
import { encode, subjects, type ArtifactFile, type Fence, type RunnerEvent, type RunnerEventBody } from '../protocol.js';

/** One artifact is cut past this (the full file stays on the runner); a message stays under NATS's 1 MiB payload. */
const MAX_ARTIFACT_BYTES = 256 * 1024;
const MAX_BATCH_BYTES = 600 * 1024;
const RETRY_MS = 500;

/**
 * The events of one delivery, in order, into the events stream. A publish waits for JetStream's
 * ack and is retried while the server is away (a restart loses nothing); `stop` ends the retries.
 */
export class EventStream {
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly sent = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly repoKey: string,
    private readonly task: string,
    private readonly fence: Fence,
    private readonly runner: string,
  ) {}

  /** Queues an event; the promise resolves once JetStream stored it. */
  send(body: RunnerEventBody): Promise<void> {
    const event = { ...body, task: this.task, fence: this.fence, runner: this.runner, seq: ++this.seq, time: new Date().toISOString() } as RunnerEvent;
    this.chain = this.chain.then(() => this.publish(event));
    return this.chain;
  }

  /** Every file of the run folder (`runs/T-<n>/`) that is new or changed since the last call. */
  async sendArtifacts(taskRunDir: string): Promise<void> {
    const files: ArtifactFile[] = [];
    let bytes = 0;
    for (const path of await walk(taskRunDir)) {
      const info = await stat(path).catch(() => null);
      if (info === null || !info.isFile()) continue;
      const stamp = `${info.size}:${info.mtimeMs}`;
      const name = relative(taskRunDir, path);
      if (this.sent.get(name) === stamp || name === 'journal.jsonl') continue;
      this.sent.set(name, stamp);
      let data = await readFile(path);
      if (data.length > MAX_ARTIFACT_BYTES) data = Buffer.concat([data.subarray(0, MAX_ARTIFACT_BYTES), Buffer.from(`\n[ccx: cut at ${MAX_ARTIFACT_BYTES} bytes; the whole file is on the runner]\n`)]);
      files.push({ name, data: data.toString('base64') });
      bytes += data.length;
      if (bytes > MAX_BATCH_BYTES) {
        await this.send({ kind: 'artifacts', files: files.splice(0) });
        bytes = 0;
      }
    }
    if (files.length > 0) await this.send({ kind: 'artifacts', files });
  }

  stop(): void {
    this.stopped = true;
  }

  /** Publishes to any subject with the same retries (the checkpoint stream). */
  durable(subject: string, payload: Uint8Array, msgID: string): Promise<void> {
    return this.publishRetried(subject, payload, msgID);
  }

  private publish(event: RunnerEvent): Promise<void> {
    return this.publishRetried(subjects.events(this.repoKey, this.task), encode(event), `${this.repoKey}.${this.task}.a${event.fence.attempt}.d${event.fence.delivery}.${event.seq}`);
  }

  /** The msgID makes a retry of a publish the server did store (its ack lost) a no-op. */
  private async publishRetried(subject: string, payload: Uint8Array, msgID: string): Promise<void> {
    for (;;) {
      try {
        await this.js.publish(subject, payload, { msgID, timeout: 5_000 });
        return;
      } catch (error) {
        if (this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const paths: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) paths.push(...(await walk(path)));
    else if (entry.isFile()) paths.push(path);
  }
  return paths;
}
