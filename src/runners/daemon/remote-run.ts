import { join } from 'node:path';
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AuditLog } from '../../audit/index.js';
import type { AgentConfig } from '../../config/config-file.js';
import { CcxError } from '../../errors.js';
import { resolveRef } from '../../git/repo.js';
import { git, type GitRepo } from '../../git/run.js';
import type { AttemptCheckpoint, AttemptInput, AttemptResult } from '../../loop/index.js';
import type { RunningTaskStatus } from '../../status/types.js';
import { ANY_LABEL, type RunnersConfig } from '../config.js';
import { baseRef, checkpointRef, pushRef, remoteUrl } from '../git/remote-refs.js';
import { ATTEMPTS_STREAM, compareFence, decode, encode, EVENTS_STREAM, PROTOCOL_VERSION, subjects, type AttemptOrder, type Fence, type RunnerEvent } from '../protocol.js';
import { writeArtifacts } from './artifacts.js';

/** How long a cancelled remote attempt waits for its runner to confirm before the task ends anyway. */
const CANCEL_CONFIRM_MS = 10_000;

/** What one remote attempt needs of the daemon. */
export interface RemoteRunContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  config: RunnersConfig;
  /** The repository key as a subject token. */
  repoKey: string;
  repo: GitRepo;
  integration: string;
  agents: { implementer: AgentConfig; reviewer: AgentConfig };
  audit: AuditLog;
  /** STATE_DIR/runs. */
  runs: string;
  status: RunningTaskStatus;
  stopReason(): 'cancel' | 'shutdown' | null;
}

/** A checkpoint as the daemon journals it for a remote attempt: where in the events stream it was read. */
export type RemoteCheckpoint = AttemptCheckpoint & { remote?: { streamSeq: number } };

/**
 * Runs one attempt on a runner (SPEC 16): the base pushed, the attempt published (or, after a
 * daemon restart, the one still queued re-attached), the runners' events applied through the
 * loop's own hooks (audit log, journal, STATUS.md) as a local attempt's would be, stale deliveries
 * ignored, and on the result the turn commits fetched into the task's worktree.
 */
export async function runRemoteAttempt(ctx: RemoteRunContext, input: AttemptInput): Promise<AttemptResult> {
  const task = input.task.id;
  const attempt = input.task.attempt;
  const url = await remoteUrl(ctx.repo, ctx.config.remote);
  const label = ctx.config.labels[0] ?? ANY_LABEL;
  const subject = subjects.attempts(ctx.repoKey, label, task);
  const eventsSubject = subjects.events(ctx.repoKey, task);
  const queued = await queuedOrder(ctx, subject);
  let startSeq: number;
  if (queued !== null && queued.order.task.attempt === attempt) {
    // A daemon restart: the attempt is still queued or with a runner; read on from the last journalled event.
    startSeq = ((input.resume as RemoteCheckpoint | undefined)?.remote?.streamSeq ?? 0) + 1;
  } else {
    const head = input.resume?.head ?? (await resolveRef(ctx.repo, `refs/heads/ccx/${task}`)) ?? input.base;
    for (const [sha, ref] of [[input.base, baseRef(task)], [head, checkpointRef(task)]] as const) {
      const pushed = await pushRef(ctx.repo, ctx.repo.root, url, sha, ref);
      if (!pushed.ok) throw new CcxError('RUNNER_GIT_FAILED', `the daemon could not push ${ref} to ${url} (${ctx.config.remote}): ${pushed.message}`, { hint: 'Runners fetch attempts from that remote: check it is reachable and writable from this host.' });
    }
    startSeq = (await ctx.jsm.streams.info(EVENTS_STREAM)).state.last_seq + 1;
    const order: AttemptOrder = {
      version: PROTOCOL_VERSION,
      repoKey: ctx.repoKey,
      remoteUrl: url,
      integration: ctx.integration,
      task: input.task,
      brief: input.brief,
      direction: input.direction,
      testCommand: input.testCommand,
      agents: ctx.agents,
      rung: input.rung,
      turnTimeoutMs: input.turnTimeoutMs,
      spentUsd: input.spentUsd ?? 0,
      base: input.base,
      head,
      resume: input.resume ?? null,
      publishedAt: new Date().toISOString(),
    };
    await ctx.js.publish(subject, encode(order), { msgID: `${subject}.a${attempt}.${Date.now()}` });
  }
  ctx.status.phase = 'queued';
  ctx.status.note = `waiting for a runner (${label})`;
  const consumer = await ctx.js.consumers.get(EVENTS_STREAM, { filter_subjects: eventsSubject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq });
  const messages = await consumer.consume();
  const onAbort = () => {
    if (ctx.stopReason() !== 'cancel') {
      messages.stop();
      return;
    }
    ctx.nc.publish(subjects.cancel(ctx.repoKey, task), encode({ attempt }));
    void dropQueued(ctx, subject, attempt);
    setTimeout(() => messages.stop(), CANCEL_CONFIRM_MS).unref();
  };
  input.signal.addEventListener('abort', onAbort, { once: true });
  if (input.signal.aborted) onAbort();
  try {
    const outcome = await follow(ctx, input, messages);
    if (outcome.kind === 'result') return await landResult(ctx, input, url, outcome);
    if (outcome.kind === 'failed') return endedBy(input, outcome.last, 'error', outcome.message);
    return endedBy(input, outcome.last, 'cancelled', input.signal.aborted && ctx.stopReason() === 'cancel' ? 'the task was cancelled' : 'the daemon is stopping');
  } finally {
    input.signal.removeEventListener('abort', onAbort);
    messages.stop();
    ctx.status.note = null;
  }
}

type Outcome =
  | { kind: 'result'; result: Extract<RunnerEvent, { kind: 'result' }>['result']; last: AttemptCheckpoint | null; runner: string }
  | { kind: 'failed'; message: string; last: AttemptCheckpoint | null }
  | { kind: 'stopped'; last: AttemptCheckpoint | null };

/** Applies the events of the current delivery in order until the attempt's result (or a stop). */
async function follow(ctx: RemoteRunContext, input: AttemptInput, messages: ConsumerMessages): Promise<Outcome> {
  const attempt = input.task.attempt;
  let current: Fence | null = null;
  let last: AttemptCheckpoint | null = input.resume ?? null;
  const staleSeen = new Set<string>();
  for await (const message of messages) {
    const event = decode<RunnerEvent>(message.data);
    if (event.fence.attempt !== attempt) continue;
    if (current !== null && compareFence(event.fence, current) < 0) {
      const key = `${event.runner}/${event.fence.delivery}`;
      if (!staleSeen.has(key)) ctx.audit.write('runner.stale', { task: input.task.id, attempt, runner: event.runner, delivery: event.fence.delivery, current: current.delivery });
      staleSeen.add(key);
      continue;
    }
    if (current === null || compareFence(event.fence, current) > 0) {
      current = event.fence;
      ctx.status.runner = event.runner;
      ctx.status.note = null;
      ctx.audit.write('runner.claimed', { task: input.task.id, attempt, runner: event.runner, delivery: event.fence.delivery });
    }
    switch (event.kind) {
      case 'loop':
        input.hooks.onEvent(event.event);
        break;
      case 'checkpoint':
        last = event.checkpoint;
        await input.hooks.onCheckpoint({ ...event.checkpoint, remote: { streamSeq: message.seq } } as RemoteCheckpoint);
        break;
      case 'artifacts':
        await writeArtifacts(join(ctx.runs, input.task.id), event.files);
        break;
      case 'limit':
        ctx.status.note = `${event.agent} hit a usage limit on runner ${event.runner}; the same turn runs again there at ${event.until}`;
        ctx.audit.write('limit.paused', { task: input.task.id, attempt, agent: event.agent, until: event.until, reason: `on runner ${event.runner}: ${event.message}` });
        break;
      case 'limit-resumed':
        ctx.status.note = null;
        ctx.audit.write('limit.resumed', { task: input.task.id, attempt, agent: event.agent });
        break;
      case 'failed':
        ctx.audit.write('runner.failed', { task: input.task.id, attempt, runner: event.runner, step: event.step, reason: event.message });
        return { kind: 'failed', message: event.message, last };
      case 'result':
        return { kind: 'result', result: event.result, last, runner: event.runner };
      case 'claimed':
        break;
    }
  }
  return { kind: 'stopped', last };
}

/** The approved (or otherwise ended) attempt's commits, fetched from refs/ccx/T-<n> into the task's worktree. */
async function landResult(ctx: RemoteRunContext, input: AttemptInput, url: string, outcome: Extract<Outcome, { kind: 'result' }>): Promise<AttemptResult> {
  const task = input.task.id;
  const local = `refs/ccx/remote/${task}`;
  const fetched = await git(ctx.repo, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', url, `+${checkpointRef(task)}:${local}`], { cwd: ctx.repo.root, allowExitCodes: [1, 128] });
  const at = fetched.exitCode === 0 ? await resolveRef(ctx.repo, local) : null;
  const head = outcome.result.head;
  if (at !== head) {
    const why = fetched.exitCode !== 0 ? `git could not fetch ${checkpointRef(task)} from ${url}: ${fetched.stderr.trim().split('\n')[0] ?? ''}` : `${checkpointRef(task)} on ${url} is at ${at?.slice(0, 12) ?? 'nothing'}, not at the attempt's last turn commit ${head.slice(0, 12)}`;
    ctx.audit.write('runner.failed', { task, attempt: input.task.attempt, runner: outcome.runner, step: 'fetch', reason: why });
    return endedBy(input, outcome.last, 'error', why);
  }
  await git(ctx.repo, ['reset', '--quiet', '--hard', head], { cwd: input.worktree, taskWorktree: true });
  await git(ctx.repo, ['update-ref', '-d', local], { cwd: ctx.repo.root });
  const checkpoint = (outcome.last ?? input.resume ?? null) as AttemptCheckpoint;
  return { ...outcome.result, checkpoint, handoffPath: join(ctx.runs, task, '.handoff.md') };
}

/** An attempt that ended without a runner's result: cancelled, stopped, or a runner that could not do its part. */
function endedBy(input: AttemptInput, last: AttemptCheckpoint | null, exit: 'error' | 'cancelled', message: string): AttemptResult {
  const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  return {
    exit,
    mergeable: false,
    cycles: last?.cycle ?? 0,
    head: last?.head ?? input.base,
    base: input.base,
    verdicts: last?.verdicts ?? [],
    unresolved: last?.open ?? [],
    skipped: last?.skipped ?? [],
    nextSteps: last?.nextSteps ?? [],
    testsPassing: last?.checks.test?.passed ?? null,
    outOfScope: last?.checks.outOfScope ?? [],
    costUsd: last?.costUsd ?? 0,
    taskCostUsd: (input.spentUsd ?? 0) + (last?.costUsd ?? 0),
    tokens: last?.tokens ?? zero,
    message,
    commitBody: '',
    handoffPath: join(input.runDir, '..', '.handoff.md'),
    savedRefs: [],
    checkpoint: (last ?? {}) as AttemptCheckpoint,
  };
}

async function queuedOrder(ctx: RemoteRunContext, subject: string): Promise<{ seq: number; order: AttemptOrder } | null> {
  try {
    const stored = await ctx.jsm.streams.getMessage(ATTEMPTS_STREAM, { last_by_subj: subject });
    return stored === null ? null : { seq: stored.seq, order: decode<AttemptOrder>(stored.data) };
  } catch {
    return null;
  }
}

/** A cancelled attempt no runner has claimed yet leaves the queue (one already claimed hears the cancel subject). */
async function dropQueued(ctx: RemoteRunContext, subject: string, attempt: number): Promise<void> {
  const queued = await queuedOrder(ctx, subject);
  if (queued !== null && queued.order.task.attempt === attempt) await ctx.jsm.streams.deleteMessage(ATTEMPTS_STREAM, queued.seq).catch(() => false);
}
