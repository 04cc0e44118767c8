import type { LoopEvent, LoopHooks } from '../../loop/index.js';
import type { RunningTaskStatus } from '../../status/types.js';
import { appendJournal } from '../journal/journal.js';
import type { WorkerHost } from './host.js';

export interface HookContext {
  host: WorkerHost;
  journal: string;
  id: string;
  attempt: number;
  status: RunningTaskStatus;
  signal: AbortSignal;
  /** Called after each checkpoint is safely journalled: a stopping daemon ends the attempt there. */
  afterCheckpoint(): void;
}

/** The loop's hooks for one attempt of a daemon task: journal, audit log and STATUS.md. */
export function loopHooks(context: HookContext): LoopHooks {
  const { host, journal, id, attempt, status } = context;
  const ref = { task: id, attempt };
  let pgid: number | null = null;
  let recorded: Promise<void> = Promise.resolve();
  return {
    onEvent(event) {
      follow(status, event);
      auditEvent(host, ref, event);
    },
    async onCheckpoint(checkpoint) {
      await recorded;
      await appendJournal(journal, { type: 'checkpoint', attempt, checkpoint });
      context.afterCheckpoint();
    },
    onProcessGroup(group) {
      // The group is journalled (fsynced) before the agent gets its prompt (the runner waits for this
      // promise), so a restarted daemon always knows it and reaps it; records stay in order.
      if (group !== null) {
        pgid = group.pgid;
        const record = { type: 'group', attempt, pgid: group.pgid, token: group.token } as const;
        recorded = recorded.then(() => appendJournal(journal, record));
        return recorded;
      }
      if (pgid === null) return recorded;
      const ended = pgid;
      pgid = null;
      recorded = recorded.then(() => appendJournal(journal, { type: 'group-ended', pgid: ended }));
      return recorded;
    },
    async waitForLimit(agent, resetAt, message) {
      status.note = `${agent} hit a usage limit; the same turn runs again at ${resetAt.toISOString()}`;
      host.audit.write('limit.paused', { ...ref, agent, until: resetAt.toISOString(), reason: message });
      host.requestReconcile();
      try {
        await host.services.limits.wait(agent, resetAt, message, context.signal);
        host.audit.write('limit.resumed', { ...ref, agent });
      } finally {
        status.note = null;
        host.requestReconcile();
      }
    },
  };
}

function follow(status: RunningTaskStatus, event: LoopEvent): void {
  switch (event.type) {
    case 'cycle.started':
    case 'phase':
      status.cycle = event.cycle;
      status.maxCycles = event.maxCycles;
      if (event.type === 'phase') status.phase = event.phase;
      break;
    case 'turn.started':
      status.agent = event.agent;
      status.model = event.program ?? event.model;
      break;
    case 'turn.finished':
      status.costUsd += event.costUsd ?? 0;
      break;
    default:
      break;
  }
}

function auditEvent(host: WorkerHost, ref: { task: string; attempt: number }, event: LoopEvent): void {
  const at = 'cycle' in event ? { ...ref, cycle: event.cycle } : ref;
  switch (event.type) {
    case 'turn.started':
      host.audit.write('turn.started', { ...at, role: event.role, agent: event.agent, model: event.program ?? event.model, effort: event.program === undefined ? event.effort : null, phase: event.phase });
      break;
    case 'turn.finished':
      host.audit.write('turn.finished', {
        ...at,
        role: event.role,
        agent: event.agent,
        model: event.program ?? event.model,
        phase: event.phase,
        outcome: event.outcome,
        exit_code: event.exitCode,
        signal: event.signal,
        duration_ms: event.durationMs,
        prompt_bytes: event.promptBytes,
        output_bytes: event.outputBytes,
        cost_usd: event.costUsd,
        input_tokens: event.tokens?.input ?? null,
        output_tokens: event.tokens?.output ?? null,
        error: event.message === '' ? null : event.message,
      });
      break;
    case 'test.finished':
      host.audit.write('test.finished', { ...at, passed: event.passed, exit_code: event.exitCode, duration_ms: event.durationMs, log: event.log });
      break;
    case 'review.verdict':
      host.audit.write('review.verdict', { ...at, verdict: event.verdict, counts: event.counts, skipped: event.skipped, open: event.open });
      break;
    case 'scope.violation':
      host.audit.write('scope.violation', { ...at, paths: event.paths });
      break;
    case 'task.stuck':
      host.audit.write('task.stuck', { ...at, finding: event.finding, reviews: event.reviews });
      break;
    default:
      break;
  }
}
