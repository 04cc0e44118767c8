import { randomUUID } from 'node:crypto';
import type { AgentType, TurnOutcome } from '../../agents/index.js';
import type { SessionState } from '../types.js';

export interface TurnSession {
  /** What the adapter gets; undefined: a fresh session it picks itself. */
  request: { id: string; resume: boolean } | undefined;
  /** What the turn used, to update after it. */
  used: SessionState | null;
  label: 'new' | 'resumed' | 'fresh';
}

/**
 * The implementer's kept session (SPEC 6.5; conductor mode and reviews keep none). claude and
 * command agents start under an id ccx picks (`--session-id`), then resume it; codex picks a new
 * thread's id itself, so its first turn has none and later turns resume the id it reported.
 */
export function sessionForTurn(current: SessionState | null, agent: AgentType, keep: boolean): TurnSession {
  if (!keep) return { request: undefined, used: null, label: 'fresh' };
  if (agent === 'codex') {
    return current?.started === true ? { request: { id: current.id, resume: true }, used: current, label: 'resumed' } : { request: undefined, used: null, label: 'new' };
  }
  const used = current ?? { id: randomUUID(), started: false };
  return { request: { id: used.id, resume: used.started }, used, label: used.started ? 'resumed' : 'new' };
}

/**
 * The session to keep after a turn. Only a session that has completed a turn is resumed: after a
 * limit (or any failure) on a new one, the next try starts afresh, since the CLI may or may not
 * have kept it (resuming an unknown id and reusing a taken --session-id both fail).
 */
export function sessionAfterTurn(turn: TurnSession, outcome: Pick<TurnOutcome, 'kind' | 'sessionId'>): SessionState | null {
  if (turn.label === 'fresh') return null;
  if (outcome.kind !== 'ok') return turn.used?.started === true ? turn.used : null;
  if (outcome.sessionId !== undefined && outcome.sessionId !== '') return { id: outcome.sessionId, started: true };
  return turn.used === null ? null : { ...turn.used, started: true };
}
