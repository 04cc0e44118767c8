export { createAgent } from './create.js';
export { reapProcessGroup } from './process/reap.js';
export { runInGroup, type GroupRunOptions, type GroupRunResult } from './process/run.js';
export type { ReapResult } from './process/reap.js';
export { isProcessGroupAlive } from './process/signal.js';
export { AGENT_TOKEN_VAR } from './process/token.js';
export { DEFAULT_KILL_GRACE_MS } from './process/terminate.js';
export { DEFAULT_MAX_TURNS, DEFAULT_PERMISSION_MODE } from './claude/args.js';
export { EXIT_ASKED, EXIT_LIMITED } from './command/adapter.js';
export { ASK_MCP_SERVER, ASK_TOOL, CLAUDE_ASK_TOOL } from './ask-wiring.js';
export type {
  AgentAdapter,
  AgentConfig,
  AgentRole,
  AgentType,
  ClaudeAgentConfig,
  CodexAgentConfig,
  CommandAgentConfig,
  OutcomeKind,
  TokenUsage,
  TurnOutcome,
  TurnAsk,
  TurnRequest,
} from './types.js';
