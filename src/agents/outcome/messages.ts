/**
 * Every sentence the agent layer shows a person. Each says what failed, what was expected and what
 * was received, and what to do. Tests pin them with inline snapshots.
 */
export type AgentLabel =
  | { type: 'claude'; bin: string }
  | { type: 'codex'; bin: string }
  | { type: 'command'; argv0: string };

const INSTALL = {
  claude: { pkg: '@anthropic-ai/claude-code', env: 'CCX_CLAUDE_BIN', name: 'Claude Code' },
  codex: { pkg: '@openai/codex', env: 'CCX_CODEX_BIN', name: 'Codex' },
} as const;

export function agentName(agent: AgentLabel): string {
  return agent.type === 'command' ? `the command agent ${JSON.stringify(agent.argv0)}` : INSTALL[agent.type].name;
}

export function cannotStartMessage(agent: AgentLabel, code: string, missingCwd: string | undefined): string {
  if (missingCwd !== undefined) {
    return `${agentName(agent)} could not start: its working directory ${missingCwd} does not exist. Recreate the worktree (or let ccx dispatch the task again).`;
  }
  if (agent.type === 'command') {
    const what = code === 'ENOENT' ? 'was not found' : code === 'EACCES' ? 'is not executable' : `could not be started (${code})`;
    return `The command agent could not start: ${JSON.stringify(agent.argv0)} ${what}. Fix the agent's argv in config.yaml: its first item must be a program on PATH or an absolute path to an executable file.`;
  }
  const { pkg, env, name } = INSTALL[agent.type];
  const what = code === 'ENOENT' ? 'was not found' : code === 'EACCES' ? 'is not executable' : `could not be started (${code})`;
  return `${name} could not start: the binary ${JSON.stringify(agent.bin)} ${what}. Install it with \`npm install -g ${pkg}\`, or set ${env} to the full path of the ${agent.type} binary.`;
}

export function timeoutMessage(agent: AgentLabel, timeoutMs: number, killGraceMs: number): string {
  return `${capitalise(agentName(agent))} ran past ccx's turn limit of ${duration(timeoutMs)} and was stopped with its whole process group (SIGTERM, then SIGKILL after ${duration(killGraceMs)}). If turns need longer, raise CCX_TURN_TIMEOUT_MS.`;
}

export function stalledMessage(agent: AgentLabel, stallTimeoutMs: number): string {
  return `${capitalise(agentName(agent))} printed no output event for ${duration(stallTimeoutMs)} (CCX_STALL_TIMEOUT_MS) and was stopped with its whole process group. This looks like an outage (an API it cannot reach), not a failure of the task: ccx backs off and runs the same turn again.`;
}

export function cancelledMessage(agent: AgentLabel): string {
  return `${capitalise(agentName(agent))} was cancelled; its whole process group was stopped.`;
}

export function usageLimitMessage(agent: AgentLabel, said: string, resetAt: Date | undefined): string {
  const when = resetAt === undefined ? 'It gave no reset time, so back off and retry' : `It resets at ${resetAt.toISOString()}; wait until then and run the same turn again`;
  return `${capitalise(agentName(agent))} hit its usage limit (it said: ${quote(said)}). This is not a failure. ${when}.`;
}

export function rateLimitedMessage(agent: AgentLabel, said: string, resetAt: Date | undefined): string {
  const when = resetAt === undefined ? 'back off and retry' : `retry after ${resetAt.toISOString()}`;
  return `${capitalise(agentName(agent))} was rate limited by its API (it said: ${quote(said)}). This is not a failure: ${when}.`;
}

export function overloadedMessage(agent: AgentLabel, said: string): string {
  return `${capitalise(agentName(agent))}'s API is overloaded or failing on its side (it said: ${quote(said)}). This is not a failure of the task: back off and retry.`;
}

export function authMessage(agent: AgentLabel, said: string): string {
  if (agent.type === 'claude') {
    return `Claude Code is not logged in or its credentials were refused (it said: ${quote(said)}). Run \`claude\` in a terminal and type /login (or set CLAUDE_CODE_OAUTH_TOKEN from \`claude setup-token\`, or ANTHROPIC_API_KEY), then let ccx retry the turn.`;
  }
  if (agent.type === 'codex') {
    return `Codex is not logged in or its credentials were refused (it said: ${quote(said)}). Run \`codex login\` (or set the API key variable its config.toml names), then let ccx retry the turn.`;
  }
  return `${capitalise(agentName(agent))} reported an authentication failure (it said: ${quote(said)}). Log it in, then let ccx retry the turn.`;
}

export function agentLimitMessage(agent: AgentLabel, limit: 'max-turns' | 'budget' | 'context', said: string): string {
  const fix = {
    'max-turns': 'raise maxTurns in the agent config, or split the task',
    budget: "raise the agent's budget, or split the task",
    context: 'use a fresh session (conductor mode) or a smaller task',
  }[limit];
  return `${capitalise(agentName(agent))} stopped on its own ${limit === 'max-turns' ? 'turn limit' : limit === 'budget' ? 'budget' : 'context window'} (it said: ${quote(said)}). To go further, ${fix}.`;
}

export function failedMessage(agent: AgentLabel, exit: { exitCode: number | null; signal: string | null }, said: string): string {
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : exit.exitCode === 0 ? 'exited 0 but reported a failure' : `exited with code ${exit.exitCode}`;
  const detail = said === '' ? 'and printed no error' : `saying: ${quote(said)}`;
  return `${capitalise(agentName(agent))} ${how} ${detail}. Its full output is in the turn's artifacts.`;
}

export function duration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 400 ? `${flat.slice(0, 400)}…` : flat);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
