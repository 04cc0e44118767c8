import { join } from 'node:path';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CcxEnv } from '../../config/env.js';
import type { LimitGate } from '../../daemon/limits/limit-gate.js';
import { resolveRef } from '../../git/repo.js';
import { runAttempt, type AttemptCheckpoint, type AttemptInput } from '../../loop/index.js';
import { baseRef, checkpointRef, fetchRefs, hasCommit, pushRef, remoteRefValue } from '../git/remote-refs.js';
import { CHECKPOINTS_STREAM, compareFence, decode, encode, fenceLabel, subjects, type AttemptOrder, type Fence } from '../protocol.js';
import { runnerAgents } from './agents.js';
import { EventStream } from './event-stream.js';
import type { RunnerOverrides } from './overrides.js';
import type { RepoCache } from './repo-cache.js';

/** What a runner lends each attempt it claims. */
export interface RunnerContext {
  name: string;
  host: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  cache: RepoCache;
  /** This runner's own usage-limit pauses: a limit here pauses that agent on this runner only. */
  limits: LimitGate;
  env: CcxEnv;
  ackWaitMs: number;
  /** `--config FILE`: this host's agents and test command instead of the attempt's. */
  overrides: RunnerOverrides;
  /** Aborted when the runner stops: its attempts are handed back to the stream (nak), not ended. */
  stopping: AbortSignal;
  log(line: string): void;
}

class StaleDelivery extends Error {}

/**
 * One delivery of one attempt, from claim to ack: the worktree at the base (or the last pushed turn
 * of an earlier delivery), the loop with this host's agents, every turn commit pushed to
 * refs/ccx/T-<n> under a lease, events and artifacts streamed back, in-progress acks meanwhile.
 */
export async function runClaimed(ctx: RunnerContext, msg: JsMsg, superseded?: AbortSignal): Promise<void> {
  const order = decode<AttemptOrder>(msg.data);
  const task = order.task.id;
  const fence: Fence = { attempt: order.task.attempt, delivery: msg.info.deliveryCount };
  const events = new EventStream(ctx.js, order.repoKey, task, fence, ctx.name);
  const controller = new AbortController();
  let cancelled = false;
  let stale = false;
  msg.working();
  const working = setInterval(() => msg.working(), Math.max(250, Math.floor(ctx.ackWaitMs / 3)));
  const cancelSub = ctx.nc.subscribe(subjects.cancel(order.repoKey, task), {
    callback: (_error, message) => {
      const body = decode<{ attempt: number }>(message.data);
      if (body.attempt !== fence.attempt) return;
      cancelled = true;
      controller.abort(new Error('the task was cancelled'));
    },
  });
  const onStop = () => controller.abort(new Error('the runner is stopping'));
  ctx.stopping.addEventListener('abort', onStop);
  // A newer delivery of this attempt came to this runner: this one stops quietly (no ack, no cleanup).
  const onSuperseded = () => {
    stale = true;
    controller.abort(new StaleDelivery(`${fenceLabel(fence)} is superseded by a newer delivery on this runner`));
  };
  superseded?.addEventListener('abort', onSuperseded);
  ctx.log(`${order.repoKey}/${task} ${fenceLabel(fence)}: claimed`);
  try {
    await events.send({ kind: 'claimed', host: ctx.host });
    await events.durable(subjects.claim(order.repoKey, task), encode({ fence }), `${order.repoKey}.${task}.${fenceLabel(fence)}.claim`);
    const fail = async (step: 'fetch' | 'push' | 'setup', error: unknown) => {
      const message = `runner ${ctx.name} could not ${step === 'setup' ? 'set up the attempt' : step}: ${error instanceof Error ? error.message : String(error)}`;
      ctx.log(`${order.repoKey}/${task}: ${message}`);
      await events.send({ kind: 'failed', step, message });
      msg.term(message);
    };
    let cached;
    let start: string;
    let resume: AttemptCheckpoint | null;
    let lease: string;
    try {
      cached = await ctx.cache.open(order.repoKey, order.remoteUrl);
      const { missing } = await fetchRefs(cached.repo, order.remoteUrl, [baseRef(task), checkpointRef(task)]);
      if (missing.includes(baseRef(task))) throw new Error(`the remote ${order.remoteUrl} has no ${baseRef(task)} (the daemon pushes it before it publishes the attempt)`);
      lease = missing.includes(checkpointRef(task)) ? '' : ((await resolveRef(cached.repo, checkpointRef(task))) ?? '');
      resume = (await latestCheckpoint(ctx, order)) ?? (order.resume?.attempt === fence.attempt ? order.resume : null);
      start = resume?.head ?? order.head;
      if (!(await hasCommit(cached.repo, start))) throw new Error(`commit ${start.slice(0, 12)} (where the attempt continues) is not on the remote's ${checkpointRef(task)}`);
    } catch (error) {
      await fail('fetch', error);
      return;
    }
    let worktree: string;
    try {
      worktree = await ctx.cache.worktree(cached, task, order.integration, start);
    } catch (error) {
      await fail('setup', error);
      return;
    }
    const taskRuns = join(cached.home, 'runs', task);
    const goStale = (why: string): never => {
      // A newer delivery of this attempt exists: this one stops quietly (the daemon ignores it anyway).
      stale = true;
      controller.abort(new StaleDelivery(why));
      throw new StaleDelivery(why);
    };
    const push = async (head: string) => {
      if (head === lease) return;
      if (await newerClaim(ctx, order, fence)) goStale(`${fenceLabel(fence)} is stale`);
      let pushed = await pushRef(cached.repo, worktree, order.remoteUrl, head, checkpointRef(task), lease);
      if (!pushed.ok && pushed.rejected) {
        // Someone else pushed: a newer delivery (then this one is stale), or an older one cut off and back (then its push is taken over).
        if (await newerClaim(ctx, order, fence)) goStale(`${fenceLabel(fence)} is stale`);
        pushed = await pushRef(cached.repo, worktree, order.remoteUrl, head, checkpointRef(task), await remoteRefValue(cached.repo, order.remoteUrl, checkpointRef(task)));
      }
      if (pushed.ok) {
        lease = head;
        return;
      }
      if (pushed.rejected) goStale(pushed.message);
      await events.send({ kind: 'failed', step: 'push', message: `runner ${ctx.name} could not push ${head.slice(0, 12)} to ${checkpointRef(task)} on ${order.remoteUrl}: ${pushed.message}` });
      throw new Error(`could not push the turn commit to ${order.remoteUrl}: ${pushed.message}`);
    };
    const input: AttemptInput = {
      repo: cached.repo,
      worktree,
      base: order.base,
      task: order.task,
      brief: order.brief,
      direction: order.direction,
      testCommand: ctx.overrides.test !== undefined ? ctx.overrides.test : order.testCommand,
      agents: runnerAgents(ctx.overrides.agents ?? order.agents, ctx.env),
      rung: order.rung,
      runDir: join(taskRuns, `a${fence.attempt}`),
      stateDir: cached.home,
      turnTimeoutMs: order.turnTimeoutMs,
      signal: controller.signal,
      spentUsd: order.spentUsd,
      ...(resume === null ? {} : { resume }),
      worktreeCheckedOut: true,
      hooks: {
        onEvent(event) {
          if (event.type === 'limit.paused' || event.type === 'limit.resumed') return;
          events.send({ kind: 'loop', event }).catch(() => undefined);
        },
        async onCheckpoint(checkpoint) {
          await push(checkpoint.head);
          await events.durable(subjects.checkpoint(order.repoKey, task), encode({ fence, checkpoint }), `${order.repoKey}.${task}.${fenceLabel(fence)}.cp${checkpoint.turns}`);
          await events.send({ kind: 'checkpoint', checkpoint });
          await events.sendArtifacts(taskRuns);
        },
        async waitForLimit(agent, resetAt, message) {
          await events.send({ kind: 'limit', agent, until: resetAt.toISOString(), message });
          await ctx.limits.wait(agent, resetAt, message, controller.signal);
          await events.send({ kind: 'limit-resumed', agent });
        },
      },
    };
    const result = await runAttempt(input);
    if (stale) return;
    if (ctx.stopping.aborted && !cancelled) {
      // Handed back: the next delivery (here or on another runner) continues from the last pushed turn.
      msg.nak();
      return;
    }
    if (result.exit !== 'cancelled') await push(result.head).catch(() => undefined);
    if (stale) return;
    await events.sendArtifacts(taskRuns);
    const { checkpoint: _checkpoint, handoffPath: _handoff, ...outcome } = result;
    await events.send({ kind: 'result', result: outcome });
    msg.ack();
    ctx.log(`${order.repoKey}/${task} ${fenceLabel(fence)}: ${result.exit}`);
    await ctx.cache.release(cached, task).catch(() => undefined);
  } catch (error) {
    if (!stale) {
      const message = `runner ${ctx.name} could not run the attempt: ${error instanceof Error ? error.message : String(error)}`;
      ctx.log(`${order.repoKey}/${task} ${fenceLabel(fence)}: ${message}`);
      if (ctx.stopping.aborted && !cancelled) msg.nak();
      else await events.send({ kind: 'failed', step: 'setup', message }).then(() => msg.term(message), () => undefined);
    }
  } finally {
    clearInterval(working);
    cancelSub.unsubscribe();
    ctx.stopping.removeEventListener('abort', onStop);
    superseded?.removeEventListener('abort', onSuperseded);
    events.stop();
  }
}

/** Whether a runner claimed a later delivery of this attempt than `fence`. */
async function newerClaim(ctx: RunnerContext, order: AttemptOrder, fence: Fence): Promise<boolean> {
  try {
    const stored = await ctx.jsm.streams.getMessage(CHECKPOINTS_STREAM, { last_by_subj: subjects.claim(order.repoKey, order.task.id) });
    return stored !== null && compareFence(decode<{ fence: Fence }>(stored.data).fence, fence) > 0;
  } catch {
    return false;
  }
}

/** The newest checkpoint any delivery of this attempt published: where a redelivery continues. */
async function latestCheckpoint(ctx: RunnerContext, order: AttemptOrder): Promise<AttemptCheckpoint | null> {
  try {
    const stored = await ctx.jsm.streams.getMessage(CHECKPOINTS_STREAM, { last_by_subj: subjects.checkpoint(order.repoKey, order.task.id) });
    if (stored === null) return null;
    const body = decode<{ fence: Fence; checkpoint: AttemptCheckpoint }>(stored.data);
    return body.fence.attempt === order.task.attempt ? body.checkpoint : null;
  } catch {
    return null;
  }
}
