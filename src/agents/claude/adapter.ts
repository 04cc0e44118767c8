import { readEnv } from '../../config/env.js';
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
      const run = await runTurnProcess(request, {
        stallTimeoutMs,
        isProgressLine: isClaudeProgress,
        file: bin,
        args: claudeArgs(request, config),
        env: { ...(config.baseEnv ?? process.env), ...request.env },
        killGraceMs,
        onStdoutLine: reader.line,
      });
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
