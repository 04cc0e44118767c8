import type { FieldSchema, FieldsOf, TaskRef } from './schema.js';

/**
 * Every audit event and its fields (SPEC 11). The table is also the runtime filter: a record keeps
 * only the fields named here, of the kind named here. `task`, `attempt` and `cycle` may go with
 * any event (TaskRef).
 */
export const AUDIT_EVENTS = {
  'daemon.started': { pid: 'int', version: 'name', node: 'name', repos: 'int?' },
  'daemon.stopping': { signal: 'name?', grace_ms: 'int', running: 'int' },
  'daemon.stopped': { reason: 'text?', stopped_turns: 'int?' },

  /** The whole board cannot be used: nothing new is dispatched from it. */
  'board.invalid': { problems: 'int', messages: 'texts' },
  'board.valid': { rows: 'int', skipped: 'int' },
  /** ccx wrote a status transition of `task` to BOARD.md. */
  'board.written': { status: 'name', from: 'name?', fields: 'names' },
  /** ccx wrote back fields of `task` that a stale editor buffer (or a write that could not land) left behind. */
  'board.restored': { fields: 'names' },
  /** config.yaml did not load: the last good one stays in force (SPEC 8). */
  'config.invalid': { problems: 'int', messages: 'texts' },
  'config.valid': {},

  'inbox.accepted': { file: 'path' },
  'inbox.rejected': { file: 'path', reason: 'text' },

  'task.dispatched': { branch: 'name', worktree: 'path', tier: 'name', mode: 'name', implementer: 'agent?', reviewer: 'agent?' },
  /** phase: implement, fix, review, resolve. */
  'turn.started': { role: 'name', agent: 'name', model: 'name?', effort: 'name?', phase: 'name' },
  /** outcome: the adapter's outcome kind (ok, limited, timeout, failed, …). */
  'turn.finished': {
    role: 'name',
    agent: 'name',
    model: 'name?',
    phase: 'name?',
    outcome: 'name',
    exit_code: 'int?',
    signal: 'name?',
    duration_ms: 'int',
    prompt_bytes: 'int',
    output_bytes: 'int',
    cost_usd: 'number?',
    input_tokens: 'int?',
    output_tokens: 'int?',
    /** Scrubbed: what failed, never what the agent printed (that stays in runs/). */
    error: 'reason?',
  },
  /** ccx's scope check found changed paths outside the task's scope (a finding for the next turn). */
  'scope.violation': { paths: 'names' },
  'test.finished': { passed: 'bool', exit_code: 'int?', duration_ms: 'int', log: 'path?' },
  /** counts: findings by severity as the reviewer gave them; skipped: filtered out; open: left in scope. */
  'review.verdict': { verdict: 'name', counts: 'counts', skipped: 'int', open: 'int?' },
  'task.stuck': { finding: 'text', reviews: 'int' },
  /** A new attempt one rung up the model ladder (or on the same rung after cycle-cap). */
  'task.escalated': { from: 'name', to: 'name', reason: 'name' },

  'merge.checked': { clean: 'bool', base: 'name', conflicts: 'int?' },
  'merge.done': { sha: 'name', branch: 'name?' },
  /** resolve: whether a resolve turn follows (else the task is blocked). */
  'merge.conflict': { files: 'names', resolve: 'bool?' },
  /** The integration checkout has local changes the fast-forward would touch: the merge waits. */
  'merge.waiting': { branch: 'name', reason: 'text', files: 'names?' },
  /** The wait of a merge.waiting ended (the merge goes on, and lands or conflicts). */
  'merge.resumed': { branch: 'name', reason: 'name?', waited_ms: 'int?' },

  'task.finished': { status: 'name', exit_status: 'name', cycles: 'int?', commit: 'name?', cost_usd: 'number?', error: 'reason?' },
  'task.cancelled': { branch: 'name?', stopped: 'bool?' },
  /** until: ISO 8601 time dispatch for `agent` resumes. */
  'limit.paused': { agent: 'name', until: 'name', reason: 'reason?' },
  'limit.resumed': { agent: 'name' },

  /** A task the previous daemon left running resumes from its last completed turn. */
  'recovery.resumed': { phase: 'name', turns: 'int' },
  'recovery.failed': { reason: 'reason' },
  /** An agent process group the previous daemon left behind was stopped. */
  'recovery.reaped': { pgid: 'int', processes: 'int?' },
  /** A worktree or ccx/* branch that belongs to no task: reported, never deleted (SPEC 12). */
  'recovery.orphan': { kind: 'name', path: 'path' },

  /** SPEC 15: an implementer's question went to the person; `file` is where to answer (or `ccx answer <task> "…"`). */
  'ask.asked': { id: 'name', question: 'text', options: 'texts', context: 'text?', file: 'path', guess: 'text?', guess_confidence: 'number?', timeout_at: 'name' },
  /** by: auto (the answerer, with its grounds) or person. */
  'ask.answered': { id: 'name?', by: 'name', question: 'text', answer: 'text?', grounds: 'text?' },
  /** ask.wait passed: the asking turn stopped; the task waits for the answer without holding a slot. */
  'ask.parked': { id: 'name', question: 'text' },
  /** ask.timeout passed with no answer: the task ends blocked (reason question). */
  'ask.expired': { id: 'name', question: 'text', file: 'path' },
  /** A sink did not take a notification; target: scheme and host (or the program), never a URL's path, token or headers. */
  'notify.failed': { sink: 'name', notification: 'name', reason: 'reason', target: 'name' },
  /** The daemon stops because of an error (an uncaught exception, an unhandled rejection, a fatal start). */
  'daemon.failed': { reason: 'reason' },
  /** SPEC 16: a runner's first heartbeat, and one whose heartbeats stopped (or that said it leaves). */
  'runner.joined': { runner: 'name', host: 'name?', slots: 'int', labels: 'names?' },
  'runner.lost': { runner: 'name', reason: 'text?' },
  /** A runner took a delivery of the attempt (`delivery`: JetStream's count, the fencing token). */
  'runner.claimed': { runner: 'name', delivery: 'int' },
  /** Events or a push of an older delivery, ignored. */
  'runner.stale': { runner: 'name', delivery: 'int', current: 'int' },
  /** A runner could not fetch, push or set up: the step and git's reason. */
  'runner.failed': { runner: 'name', step: 'name', reason: 'reason' },
} as const satisfies Readonly<Record<string, FieldSchema>>;

export type AuditEventName = keyof typeof AUDIT_EVENTS;

/** What `write(event, fields)` takes for `event`. */
export type AuditFields<E extends AuditEventName> = FieldsOf<(typeof AUDIT_EVENTS)[E]> & TaskRef;

export const AUDIT_EVENT_NAMES = Object.keys(AUDIT_EVENTS) as AuditEventName[];

export function isAuditEventName(name: string): name is AuditEventName {
  return Object.hasOwn(AUDIT_EVENTS, name);
}
