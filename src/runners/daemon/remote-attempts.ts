import { basename } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AuditLog } from '../../audit/index.js';
import type { RepoConfig } from '../../config/config-file.js';
import type { GitRepo } from '../../git/run.js';
import type { AttemptInput, AttemptResult } from '../../loop/index.js';
import type { RunningTaskStatus, RunnerStatus } from '../../status/types.js';
import type { RunnersConfig } from '../config.js';
import { baseRef, checkpointRef, deleteRemoteRefs, remoteUrl } from '../git/remote-refs.js';
import { connectNats } from '../nats/connect.js';
import { ensureStreams } from '../nats/streams.js';
import { CHECKPOINTS_STREAM, subjectKey, subjects } from '../protocol.js';
import { runRemoteAttempt } from './remote-run.js';
import { RunnerRoster } from './roster.js';

interface Connection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** What the daemon's worker hands over for one attempt. */
export interface RemoteAttemptRequest {
  repo: GitRepo;
  config: RepoConfig;
  status: RunningTaskStatus;
  runs: string;
  stopReason(): 'cancel' | 'shutdown' | null;
}

/**
 * One repository's runners (SPEC 16): the NATS connection (opened on first use), where each
 * attempt runs (`local_slots` here, the rest on runners), the roster of heart-beating runners,
 * and the remote refs of tasks that ended.
 */
export class RemoteAttempts {
  private connection: Promise<Connection> | null = null;
  private localInUse = 0;
  private readonly roster: RunnerRoster;
  private readonly repoKey: string;
  /** Tasks that ran on a runner: their refs/ccx refs and checkpoint go when they end. */
  private readonly remoteTasks = new Set<string>();

  constructor(
    readonly config: RunnersConfig,
    private readonly stateDir: string,
    private readonly audit: AuditLog,
  ) {
    this.repoKey = subjectKey(basename(stateDir));
    this.roster = new RunnerRoster(stateDir, audit);
  }

  /** True: run this attempt here (a local slot was free, and is now taken until `releaseLocal`). */
  placeLocally(): boolean {
    if (this.localInUse >= this.config.localSlots) return false;
    this.localInUse += 1;
    return true;
  }

  releaseLocal(): void {
    this.localInUse = Math.max(0, this.localInUse - 1);
  }

  async run(request: RemoteAttemptRequest, input: AttemptInput): Promise<AttemptResult> {
    const { nc, js, jsm } = await this.connect();
    this.remoteTasks.add(input.task.id);
    return runRemoteAttempt({ nc, js, jsm, config: this.config, repoKey: this.repoKey, repo: request.repo, integration: request.config.integration, agents: request.config.agents, audit: this.audit, runs: request.runs, status: request.status, stopReason: request.stopReason }, input);
  }

  /** A task ended: its refs on the remote and its checkpoint message go (SPEC 16). */
  async taskEnded(repo: GitRepo, task: string): Promise<void> {
    if (!this.remoteTasks.delete(task)) return;
    const { jsm } = await this.connect();
    await deleteRemoteRefs(repo, await remoteUrl(repo, this.config.remote), [checkpointRef(task), baseRef(task)]).catch(() => undefined);
    for (const filter of [subjects.checkpoint(this.repoKey, task), subjects.claim(this.repoKey, task)]) await jsm.streams.purge(CHECKPOINTS_STREAM, { filter }).catch(() => undefined);
  }

  runners(): RunnerStatus[] {
    return this.roster.list();
  }

  /** Connects now (the daemon's start), so heartbeats are heard before the first attempt. */
  start(): void {
    this.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.roster.close();
    const connection = await this.connection?.catch(() => null);
    await connection?.nc.drain().catch(() => undefined);
  }

  private connect(): Promise<Connection> {
    this.connection ??= (async () => {
      const nc = await connectNats(this.config.nats, `ccx daemon ${process.pid}`);
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm);
      this.roster.listen(nc);
      return { nc, js: jetstream(nc), jsm };
    })();
    this.connection.catch(() => {
      this.connection = null;
    });
    return this.connection;
  }
}
