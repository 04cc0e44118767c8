import { readFile, rm } from 'node:fs/promises';
import { parseRetryAfter } from '../limits/retry-after.js';
import { failed, outcome, stoppedByCcx, tail } from '../outcome/base.js';
import { failedMessage, usageLimitMessage } from '../outcome/messages.js';
import type { AgentLabel } from '../outcome/messages.js';
import { runTurnProcess, stallTimeoutFor } from '../process/turn.js';
import { DEFAULT_KILL_GRACE_MS } from '../process/terminate.js';
import type { AgentAdapter, CommandAgentConfig, TurnOutcome, TurnRequest } from '../types.js';
import { commandEnv } from './env.js';

/** SPEC 8: exit 75 means "limited, try later", with an optional `retry-after:` line on stderr. */
export const EXIT_LIMITED = 75;
/** SPEC 15: exit 76 means "I asked a question": it is in the file CCX_ASK_FILE names. */
export const EXIT_ASKED = 76;

/**
 * Any program (SPEC 8): the worktree as cwd, the prompt on stdin, the CCX_* variables; stdout is
 * the answer. The loop reads a reviewer's verdict from `text`; `structured` holds stdout parsed
 * when it is a JSON object.
 */
export function commandAgent(config: CommandAgentConfig): AgentAdapter {
  const [file, ...args] = config.argv;
  const label: AgentLabel = { type: 'command', argv0: file ?? '' };
  const killGraceMs = config.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return {
    type: 'command',
    program: file ?? '',
    async runTurn(request: TurnRequest): Promise<TurnOutcome> {
      const stallTimeoutMs = stallTimeoutFor(request, config);
      if (request.ask !== undefined) await rm(request.ask.questionFile, { force: true });
      const run = await runTurnProcess(request, {
        stallTimeoutMs,
        file: file ?? '',
        args,
        env: commandEnv(request, config.baseEnv ?? process.env),
        killGraceMs,
        onStderrLine: request.onProgress,
      });
      const stopped = stoppedByCcx(run, label, { timeoutMs: request.timeoutMs, killGraceMs, cwd: request.worktree, stallTimeoutMs });
      if (stopped !== undefined) return stopped;
      if (run.exitCode === 0) return outcome(run, { kind: 'ok', message: '', text: run.stdout, structured: jsonObject(run.stdout) });
      if (run.exitCode === EXIT_ASKED && request.ask !== undefined) {
        const question = await readQuestion(request.ask.questionFile);
        if (question !== undefined) return outcome(run, { kind: 'asked', message: '', text: run.stdout, question });
        return failed(run, 'error', `${file ?? ''} exited ${EXIT_ASKED} (a question) but wrote no JSON question to CCX_ASK_FILE (${request.ask.questionFile}). Write {"question": "...", "options": [...], "context": "..."} there before exiting ${EXIT_ASKED}.`, { text: run.stdout });
      }
      if (run.exitCode === EXIT_LIMITED) {
        const resetAt = parseRetryAfter(run.stderr, new Date());
        const said = tail(run.stderr.replace(/^\s*retry-after:.*$/gim, ''), 3) || `exit ${EXIT_LIMITED}`;
        return failed(run, 'usage-limit', usageLimitMessage(label, said, resetAt), { resetAt, text: run.stdout });
      }
      return failed(run, 'error', failedMessage(label, run, tail(run.stderr)), { text: run.stdout });
    },
  };
}

async function readQuestion(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function jsonObject(stdout: string): unknown {
  const text = stdout.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
