import { tail } from '../outcome/base.js';
import { agentLimitMessage, authMessage, failedMessage, overloadedMessage, rateLimitedMessage, usageLimitMessage } from '../outcome/messages.js';
import type { AgentLabel } from '../outcome/messages.js';
import type { OutcomeKind } from '../types.js';
import type { CodexEvents } from './events.js';
import { parseCodexResetTime } from './reset-time.js';

export interface Classified {
  kind: OutcomeKind;
  message: string;
  resetAt?: Date;
}

/** The plan's limit, and an API account's quota ("Quota exceeded. Check your plan and billing details."). */
const USAGE_LIMIT = /You[’']ve hit your usage limit|Quota exceeded|insufficient_quota/i;
const RATE_LIMITED = /429 Too Many Requests|rate limit/i;
const AUTH = /401 Unauthorized|Missing environment variable|not logged in|codex login|invalid api key/i;
const CONTEXT = /context window/i;
const OVERLOADED = /high demand|unexpected status 5\d\d|at capacity|overloaded/i;

/** AGENT-CLIS.md §5: ok only on exit 0 with `turn.completed`; otherwise read the last failure. */
export function classifyCodex(exit: { exitCode: number | null; signal: string | null; stderr: string }, events: CodexEvents, agent: AgentLabel, now: Date, timeZone?: string): Classified {
  if (exit.exitCode === 0 && events.turnCompleted && events.failure === undefined) return { kind: 'ok', message: '' };
  const said = events.failure ?? events.lastError ?? tail(exit.stderr);
  if (USAGE_LIMIT.test(said)) {
    const resetAt = parseCodexResetTime(said, now, timeZone);
    return { kind: 'usage-limit', message: usageLimitMessage(agent, said, resetAt), resetAt };
  }
  if (RATE_LIMITED.test(said)) return { kind: 'rate-limited', message: rateLimitedMessage(agent, said, undefined) };
  if (AUTH.test(said)) return { kind: 'auth', message: authMessage(agent, said) };
  if (CONTEXT.test(said)) return { kind: 'context', message: agentLimitMessage(agent, 'context', said) };
  if (OVERLOADED.test(said)) return { kind: 'overloaded', message: overloadedMessage(agent, said) };
  return { kind: 'error', message: failedMessage(agent, exit, said) };
}
