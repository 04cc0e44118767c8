import { tail } from '../outcome/base.js';
import { agentLimitMessage, authMessage, failedMessage, overloadedMessage, rateLimitedMessage, usageLimitMessage } from '../outcome/messages.js';
import type { AgentLabel } from '../outcome/messages.js';
import type { OutcomeKind } from '../types.js';
import { epochSeconds, parseClaudeResetTime } from './reset-time.js';
import type { ClaudeStream } from './stream.js';

export interface Classified {
  kind: OutcomeKind;
  message: string;
  resetAt?: Date;
}

const ROOT_BYPASS = /cannot be used with root\/sudo privileges/i;
const NO_SESSION = /No conversation found with session ID:?\s*(\S+)/i;
const USAGE_LIMIT = /You[’']ve hit your [^·\n]*limit|Claude AI usage limit reached/i;
const NOT_USAGE_LIMIT = /not your usage limit/i;
const AUTH = /Not logged in|Please run \/login|Invalid API key|OAuth token (?:has )?(?:expired|revoked)|authentication_failed|Credit balance is too low/i;
const CONTEXT = /Prompt is too long/i;

/**
 * The bypassPermissions refusal, as the README says it: Claude Code refuses
 * `--permission-mode bypassPermissions` when it runs as root, unless the environment sets
 * IS_SANDBOX=1. Set IS_SANDBOX=1 (only in a sandbox or container you trust) or keep acceptEdits.
 */
export const ROOT_BYPASS_MESSAGE =
  'Claude Code refused to run: its bypassPermissions mode does not run as root unless IS_SANDBOX=1 is set. Set IS_SANDBOX=1 in the environment ccx runs in (only inside a sandbox or container you trust), or set the implementer\'s permissionMode to acceptEdits in config.yaml.';

/** AGENT-CLIS.md §5, in its order. */
export function classifyClaude(exit: { exitCode: number | null; signal: string | null; stderr: string }, stream: ClaudeStream, agent: AgentLabel, now: Date): Classified {
  const result = stream.result;
  if (result === undefined) return withoutResult(exit, agent);
  if (result.subtype === 'error_max_turns') return { kind: 'max-turns', message: agentLimitMessage(agent, 'max-turns', said(result.text, result.errors)) };
  if (result.subtype === 'error_max_budget_usd') return { kind: 'budget', message: agentLimitMessage(agent, 'budget', said(result.text, result.errors)) };
  if (exit.exitCode === 0 && !result.isError) return { kind: 'ok', message: '' };

  const text = said(result.text, result.errors);
  const status = result.apiErrorStatus;
  const limited = !NOT_USAGE_LIMIT.test(text) && (result.apiError === 'usage_limit_reached' || stream.rateLimit?.status === 'rejected' || USAGE_LIMIT.test(text));
  if (limited) {
    const resetAt = epochSeconds(stream.rateLimit?.resetsAt) ?? parseClaudeResetTime(text, now);
    return { kind: 'usage-limit', message: usageLimitMessage(agent, text, resetAt), resetAt };
  }
  if (status === 429) {
    const resetAt = epochSeconds(stream.rateLimit?.resetsAt);
    return { kind: 'rate-limited', message: rateLimitedMessage(agent, text, resetAt), resetAt };
  }
  if (status !== undefined && status >= 500) return { kind: 'overloaded', message: overloadedMessage(agent, text) };
  if (status === 401 || stream.assistantError === 'authentication_failed' || AUTH.test(text)) return { kind: 'auth', message: authMessage(agent, text) };
  if (result.terminalReason === 'prompt_too_long' || CONTEXT.test(text)) return { kind: 'context', message: agentLimitMessage(agent, 'context', text) };
  return { kind: 'error', message: failedMessage(agent, exit, text || tail(exit.stderr)) };
}

/** No result object: the CLI itself refused (bad flag, unknown session, root + bypass). */
function withoutResult(exit: { exitCode: number | null; signal: string | null; stderr: string }, agent: AgentLabel): Classified {
  const stderr = tail(exit.stderr);
  if (ROOT_BYPASS.test(exit.stderr)) return { kind: 'error', message: ROOT_BYPASS_MESSAGE };
  if (AUTH.test(exit.stderr)) return { kind: 'auth', message: authMessage(agent, stderr) };
  const session = NO_SESSION.exec(exit.stderr);
  if (session !== null) {
    return {
      kind: 'error',
      message: `Claude Code has no session ${session[1] ?? ''} to resume in this worktree (sessions resume only from the directory they started in). Run the turn with a fresh session.`,
    };
  }
  return { kind: 'error', message: failedMessage(agent, exit, stderr) };
}

function said(text: string | undefined, errors: readonly string[]): string {
  return text !== undefined && text.trim() !== '' ? text.trim() : errors.join('; ');
}
