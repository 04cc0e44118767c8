import { randomUUID } from 'node:crypto';

/**
 * Every agent process carries this variable with a per-turn token, and its descendants inherit it.
 * A restarted daemon kills a journalled group only when a member still carries the token (a pgid
 * alone may have been reused), and a group member that escaped into its own session is still found.
 */
export const AGENT_TOKEN_VAR = 'CCX_AGENT_TOKEN';

export function newAgentToken(): string {
  return randomUUID();
}
