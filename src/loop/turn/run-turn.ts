import { join } from 'node:path';
import type { AgentRole, AgentType, TurnAsk, TurnOutcome } from '../../agents/index.js';
import { ensureDirNoFollow } from '../../fs/no-follow.js';
import { pinTaskWorktree } from '../../git/index.js';
import { artifactName, stateDirOfRun, writeArtifact } from '../artifacts/files.js';
import { addTokens } from '../artifacts/tokens.js';
import { taskCostUsd, type Engine } from '../attempt/engine.js';
import { modelFor } from '../ladder/pick.js';
import type { AgentSlot, LoopPhase } from '../types.js';
import { MAX_STALLS_IN_A_ROW, clampReset, isLimit, retryAt } from './limits.js';
import { sessionAfterTurn, sessionForTurn } from './sessions.js';

export interface TurnSpec {
  slot: AgentSlot;
  role: AgentRole;
  phase: LoopPhase;
  prompt: string;
  outputSchema?: object;
  /** The turn run again for a malformed review: its artifacts are named apart from the first one's. */
  retry?: boolean;
  /** An implementer turn that may ask a person (SPEC 15). */
  ask?: TurnAsk;
  /** Extra variables (CCX_ANSWER for a command agent whose question was answered). */
  env?: Record<string, string>;
}

/**
 * Runs one agent turn of the current cycle to an outcome that is not a limit: writes the prompt
 * and outputs as artifacts, records the ledger, keeps the session, reports the process group, and
 * on a usage limit (or rate limit, or overload) waits through hooks.waitForLimit and runs the same
 * turn again.
 */
export async function runAgentTurn(engine: Engine, spec: TurnSpec): Promise<TurnOutcome> {
  const { input, state } = engine;
  const cycle = state.cycle;
  const adapter = input.agents[spec.slot];
  const { model, effort } = modelFor(input.rung, adapter.type, spec.role);
  // A command agent gets the pair only as CCX_MODEL/CCX_EFFORT: the audit log shows it by its argv[0].
  const seen = { model, effort, ...(adapter.program === undefined ? {} : { program: adapter.program }) };
  const keep = spec.role === 'implementer' && input.task.mode !== 'conductor';
  const promptBytes = Buffer.byteLength(spec.prompt, 'utf8');
  const named = spec.retry === true && spec.phase === 'review' ? 'review-retry' : spec.phase;
  await writeArtifact(input.runDir, artifactName(cycle, named, 'prompt.md'), spec.prompt);
  const scratchDir = join(input.runDir, '.scratch');
  await ensureDirNoFollow(stateDirOfRun(input.runDir), scratchDir);
  let stallsInARow = 0;
  for (let attemptTry = 1; ; attemptTry++) {
    const session = sessionForTurn(state.sessions[spec.slot], adapter.type, keep);
    engine.emit({ type: 'turn.started', cycle, phase: spec.phase, role: spec.role, agent: adapter.type, ...seen, try: attemptTry, promptBytes, session: session.label });
    // A worktree removed or re-pointed since the last turn is said as that, not as the agent's failure to start in it.
    await pinTaskWorktree(input.repo, input.worktree);
    const startedAt = new Date();
    const ran = await adapter.runTurn({
      role: spec.role,
      prompt: spec.prompt,
      worktree: input.worktree,
      model,
      effort,
      session: session.request,
      timeoutMs: input.turnTimeoutMs,
      signal: input.signal,
      outputSchema: spec.outputSchema,
      maxBudgetUsd: remainingBudget(engine),
      testCommand: input.testCommand ?? undefined,
      env: { ...turnEnv(engine, spec.phase, session.request), ...spec.env },
      ...(spec.ask === undefined ? {} : { ask: spec.ask }),
      scratchDir,
      onSpawn: (group) => input.hooks.onProcessGroup?.(group),
      onProgress: (line) => engine.emit({ type: 'turn.progress', cycle, role: spec.role, line }),
    });
    await input.hooks.onProcessGroup?.(null);
    stallsInARow = ran.kind === 'stalled' ? stallsInARow + 1 : 0;
    const outcome = stallsInARow >= MAX_STALLS_IN_A_ROW ? stalledTooOften(ran, stallsInARow) : ran;
    await writeArtifact(input.runDir, artifactName(cycle, named, 'out', attemptTry), outcome.stdout);
    if (outcome.stderr !== '') await writeArtifact(input.runDir, artifactName(cycle, named, 'err', attemptTry), outcome.stderr);
    const outputBytes = Buffer.byteLength(outcome.stdout, 'utf8');
    state.costUsd += outcome.costUsd ?? 0;
    state.tokens = addTokens(state.tokens, outcome.tokens);
    if (keep) state.sessions[spec.slot] = sessionAfterTurn(session, outcome);
    await engine.ledger.record({
      cycle, phase: spec.phase, role: spec.role, agent: adapter.type, model, effort, try: attemptTry, outcome: outcome.kind,
      exitCode: outcome.exitCode, durationMs: outcome.durationMs, promptBytes, outputBytes,
      costUsd: outcome.costUsd ?? null, tokens: outcome.tokens ?? null, at: startedAt.toISOString(),
    });
    engine.emit({
      type: 'turn.finished', cycle, phase: spec.phase, role: spec.role, agent: adapter.type, ...seen, try: attemptTry,
      outcome: outcome.kind, exitCode: outcome.exitCode, signal: outcome.signal, durationMs: outcome.durationMs, promptBytes, outputBytes,
      costUsd: outcome.costUsd ?? null, tokens: outcome.tokens ?? null, message: outcome.message,
    });
    // A turn that failed because its worktree went meanwhile (removed by hand mid-run) is reported as that.
    if (outcome.kind !== 'ok' && outcome.kind !== 'cancelled') await pinTaskWorktree(input.repo, input.worktree);
    if (!isLimit(outcome.kind) || input.signal.aborted) {
      state.turns++;
      return outcome;
    }
    const until = retryAt(outcome.resetAt, attemptTry);
    const clamped = outcome.resetAt !== undefined && clampReset(outcome.resetAt).clamped;
    const message = clamped ? `${outcome.message} That is more than a year away: ccx waits a year, until ${until.toISOString()}, and tries again.` : outcome.message;
    engine.emit({ type: 'limit.paused', cycle, role: spec.role, agent: adapter.type, kind: outcome.kind, until: until.toISOString(), message });
    const waited = await waitForLimit(engine, adapter.type, until, message);
    if (waited !== null) return { ...outcome, ...waited };
    engine.emit({ type: 'limit.resumed', cycle, role: spec.role, agent: adapter.type });
  }
}

/** What is left of max_cost_usd for this turn (undefined: no budget); the loop starts no turn once it is spent. */
function remainingBudget(engine: Engine): number | undefined {
  const max = engine.input.task.maxCostUsd;
  return max === null ? undefined : Math.max(0, max - taskCostUsd(engine));
}

/** The bound on stall retries: after that many in a row the outage is not transient, and the turn times out. */
function stalledTooOften(outcome: TurnOutcome, stalls: number): TurnOutcome {
  return { ...outcome, kind: 'timeout', message: `${outcome.message} It stalled ${stalls} times in a row, so ccx gave up on this turn: check that the agent can reach its API, then set the task back to pending.` };
}

/** Waits through the hook; a cancel (or a hook that fails) ends the turn instead. */
async function waitForLimit(engine: Engine, agent: AgentType, until: Date, message: string): Promise<Pick<TurnOutcome, 'kind' | 'message'> | null> {
  const { signal, hooks } = engine.input;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const result = await Promise.race([hooks.waitForLimit(agent, until, message).then(() => 'done' as const), aborted]);
    if (result === 'aborted') return { kind: 'cancelled', message: 'The attempt was cancelled while it waited for a usage limit to lift.' };
    return null;
  } catch (error) {
    if (signal.aborted) return { kind: 'cancelled', message: 'The attempt was cancelled while it waited for a usage limit to lift.' };
    return { kind: 'error', message: `Waiting for the usage limit to lift failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

function turnEnv(engine: Engine, phase: LoopPhase, session: { id: string; resume: boolean } | undefined): Record<string, string> {
  const { input, state } = engine;
  const env: Record<string, string> = {
    CCX_TASK_ID: input.task.id,
    CCX_ATTEMPT: String(input.task.attempt),
    CCX_CYCLE: String(state.cycle),
    CCX_PHASE: phase,
    CCX_STATE_DIR: input.stateDir,
  };
  if (session !== undefined) {
    env['CCX_SESSION_ID'] = session.id;
    env['CCX_SESSION_RESUME'] = session.resume ? '1' : '0';
  }
  return env;
}
