import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { readEnv } from '../../config/env.js';
import { claudeAskEnv, writeClaudeMcpConfig } from '../ask-wiring.js';
import { outcome, stoppedByCcx } from '../outcome/base.js';
import type { AgentLabel } from '../outcome/messages.js';
import { runTurnProcess, stallTimeoutFor } from '../process/turn.js';
import { DEFAULT_KILL_GRACE_MS } from '../process/terminate.js';
import type { AgentAdapter, ClaudeAgentConfig, TurnOutcome, TurnRequest } from '../types.js';
import { claudeArgs } from './args.js';
import { classifyClaude } from './classify.js';
import { createClaudeStreamReader, isClaudeProgress } from './stream.js';

/** Claude Code headless: `claude -p`, stream-json, prompt on stdin. */
export function claudeAgent(config: ClaudeAgentConfig): AgentAdapter {
  const bin = config.bin ?? readEnv().claudeBin;
  const label: AgentLabel = { type: 'claude', bin };
  const killGraceMs = config.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return {
    type: 'claude',
    async runTurn(request: TurnRequest): Promise<TurnOutcome> {
      const reader = createClaudeStreamReader(request.onProgress);
      const stallTimeoutMs = stallTimeoutFor(request, config);
      const ask = request.role === 'implementer' ? request.ask : undefined;
      const mcpConfig = ask === undefined ? undefined : await writeClaudeMcpConfig(ask, request.scratchDir, randomUUID());
      const run = await runTurnProcess(request, {
        stallTimeoutMs,
        isProgressLine: isClaudeProgress,
        file: bin,
        args: claudeArgs(request, config, mcpConfig),
        env: { ...(config.baseEnv ?? process.env), ...request.env, ...(ask === undefined ? {} : claudeAskEnv(ask)) },
        killGraceMs,
        onStdoutLine: reader.line,
      }).finally(() => (mcpConfig === undefined ? undefined : rm(mcpConfig, { force: true })));
      const stopped = stoppedByCcx(run, label, { timeoutMs: request.timeoutMs, killGraceMs, cwd: request.worktree, stallTimeoutMs });
      const { result, sessionId } = reader.state;
      const facts = {
        text: result?.text ?? '',
        structured: result?.structuredOutput,
        sessionId: result?.sessionId ?? sessionId,
        costUsd: result?.costUsd,
        tokens: result?.usage,
        apiDurationMs: result?.durationApiMs,
      };
      if (stopped !== undefined) return { ...stopped, ...facts, kind: stopped.kind, message: stopped.message };
      const classified = classifyClaude(run, reader.state, label, new Date());
      return outcome(run, { ...facts, ...classified });
    },
  };
}
