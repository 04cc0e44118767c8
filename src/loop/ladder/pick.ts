import type { AgentRole, AgentType } from '../../agents/index.js';
import { CcxError } from '../../errors.js';
import type { Ladder, LadderRung } from '../types.js';

/** The rung a task starts on: its model_start, or the ladder's default_start. */
export function rungFor(ladder: Ladder, alias: string | null | undefined): LadderRung {
  const wanted = alias === null || alias === undefined || alias === '' ? ladder.defaultStart : alias;
  const rung = ladder.tiers.find((tier) => tier.alias === wanted);
  if (rung === undefined) {
    throw new CcxError('LADDER_INVALID', `model_start ${JSON.stringify(wanted)} is not a rung of the model ladder; the rungs are ${ladder.tiers.map((tier) => tier.alias).join(', ')}.`, {
      hint: 'Set model_start to one of those aliases, or add the rung to model-ladder.json.',
    });
  }
  return rung;
}

/** The rung one above `alias`, or null at the top. */
export function rungAbove(ladder: Ladder, alias: string): LadderRung | null {
  const index = ladder.tiers.findIndex((tier) => tier.alias === alias);
  return index < 0 ? null : (ladder.tiers[index + 1] ?? null);
}

/**
 * The model and effort a turn's agent gets from the rung: claude its claude pair, codex its codex
 * pair (effort: the rung's claude effort when codex names none). A command agent gets the pair of
 * the agent that usually has its role: claude's when it implements, codex's when it reviews.
 */
export function modelFor(rung: LadderRung, agent: AgentType, role: AgentRole): { model: string; effort: string } {
  const family = agent === 'command' ? (role === 'implementer' ? 'claude' : 'codex') : agent;
  if (family === 'claude') return { ...rung.claude };
  return { model: rung.codex.model, effort: rung.codex.effort ?? rung.claude.effort };
}

/** An agent as the audit log and status show it: a command agent by its argv[0] (no ladder model reaches it as a model). */
export function agentAsShown(agent: { type: AgentType; program?: string }, rung: LadderRung, role: AgentRole): { type: AgentType; model: string; effort: string | null } {
  if (agent.type === 'command') return { type: 'command', model: agent.program ?? 'command', effort: null };
  return { type: agent.type, ...modelFor(rung, agent.type, role) };
}
