import { join } from 'node:path';
import type { AgentRole, AgentType, TurnOutcome } from '../../agents/index.js';
import { ensureDir } from '../../fs/atomic-write.js';
import { artifactName, writeArtifact } from '../artifacts/files.js';
import { addTokens } from '../artifacts/tokens.js';
import type { Engine } from '../attempt/engine.js';
import { modelFor } from '../ladder/pick.js';
import type { AgentSlot, LoopPhase } from '../types.js';
import { isLimit, retryAt } from './limits.js';
import { sessionAfterTurn, sessionForTurn } from './sessions.js';

export interface TurnSpec {
  slot: AgentSlot;
  role: AgentRole;
  phase: LoopPhase;
  prompt: string;
  outputSchema?: object;
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
  const keep = spec.role === 'implementer' && input.task.mode !== 'conductor';
  const promptBytes = Buffer.byteLength(spec.prompt, 'utf8');
  await writeArtifact(input.runDir, artifactName(cycle, spec.phase, 'prompt.md'), spec.prompt);
  const scratchDir = join(input.runDir, '.scratch');
  await ensureDir(scratchDir);
  for (let attemptTry = 1; ; attemptTry++) {
    const session = sessionForTurn(state.sessions[spec.slot], adapter.type, keep);
    engine.emit({ type: 'turn.started', cycle, phase: spec.phase, role: spec.role, agent: adapter.type, model, effort, try: attemptTry, promptBytes, session: session.label });
    const startedAt = new Date();
    const outcome = await adapter.runTurn({
      role: spec.role,
      prompt: spec.prompt,
      worktree: input.worktree,
      model,
      effort,
      session: session.request,
      timeoutMs: input.turnTimeoutMs,
      signal: input.signal,
      outputSchema: spec.outputSchema,
      testCommand: input.testCommand ?? undefined,
      env: turnEnv(engine, spec.phase, session.request),
      scratchDir,
      onSpawn: (group) => input.hooks.onProcessGroup?.(group),
      onProgress: (line) => engine.emit({ type: 'turn.progress', cycle, role: spec.role, line }),
    });
    await input.hooks.onProcessGroup?.(null);
    await writeArtifact(input.runDir, artifactName(cycle, spec.phase, 'out', attemptTry), outcome.stdout);
    if (outcome.stderr !== '') await writeArtifact(input.runDir, artifactName(cycle, spec.phase, 'err', attemptTry), outcome.stderr);
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
      type: 'turn.finished', cycle, phase: spec.phase, role: spec.role, agent: adapter.type, model, effort, try: attemptTry,
      outcome: outcome.kind, exitCode: outcome.exitCode, signal: outcome.signal, durationMs: outcome.durationMs, promptBytes, outputBytes,
      costUsd: outcome.costUsd ?? null, tokens: outcome.tokens ?? null, message: outcome.message,
    });
    if (!isLimit(outcome.kind) || input.signal.aborted) {
      state.turns++;
      return outcome;
    }
    const until = retryAt(outcome.resetAt, attemptTry);
    engine.emit({ type: 'limit.paused', cycle, role: spec.role, agent: adapter.type, kind: outcome.kind, until: until.toISOString(), message: outcome.message });
    const waited = await waitForLimit(engine, adapter.type, until, outcome.message);
    if (waited !== null) return { ...outcome, ...waited };
    engine.emit({ type: 'limit.resumed', cycle, role: spec.role, agent: adapter.type });
  }
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
