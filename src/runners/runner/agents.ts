import { createAgent, type AgentAdapter, type AgentConfig as AdapterConfig } from '../../agents/index.js';
import type { AgentConfig } from '../../config/config-file.js';
import type { CcxEnv } from '../../config/env.js';

/** TERM to KILL for a runner's agent group: a cancel stops it well within SPEC 16's 5 s. */
export const RUNNER_KILL_GRACE_MS = 2_000;

/** The attempt's agents, built on this host (its own binaries, its own logins). */
export function runnerAgents(agents: { implementer: AgentConfig; reviewer: AgentConfig }, env: CcxEnv): { implementer: AgentAdapter; reviewer: AgentAdapter } {
  return { implementer: createAgent(adapterConfig(agents.implementer, env)), reviewer: createAgent(adapterConfig(agents.reviewer, env)) };
}

function adapterConfig(agent: AgentConfig, env: CcxEnv): AdapterConfig {
  const common = { killGraceMs: RUNNER_KILL_GRACE_MS };
  switch (agent.type) {
    case 'claude':
      return { ...common, type: 'claude', bin: env.claudeBin, ...(agent.permissionMode === undefined ? {} : { permissionMode: agent.permissionMode }), ...(agent.allowedTools === undefined ? {} : { allowedTools: agent.allowedTools }), ...(agent.maxTurns === undefined ? {} : { maxTurns: agent.maxTurns }) };
    case 'codex':
      return { ...common, type: 'codex', bin: env.codexBin };
    case 'command':
      return { ...common, type: 'command', argv: agent.argv };
  }
}
