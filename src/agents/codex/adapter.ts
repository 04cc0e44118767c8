import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEnv } from '../../config/env.js';
import { outcome, stoppedByCcx } from '../outcome/base.js';
import type { AgentLabel } from '../outcome/messages.js';
import { runTurnProcess, stallTimeoutFor } from '../process/turn.js';
import { DEFAULT_KILL_GRACE_MS } from '../process/terminate.js';
import type { AgentAdapter, CodexAgentConfig, TurnOutcome, TurnRequest } from '../types.js';
import { codexArgs } from './args.js';
import type { CodexFiles } from './args.js';
import { classifyCodex } from './classify.js';
import { createCodexEventReader, isCodexProgress } from './events.js';
import { ThreadUsage } from './usage.js';

/** Codex headless: `codex exec --json`, prompt on stdin, the final message through `-o`. */
export function codexAgent(config: CodexAgentConfig): AgentAdapter {
  const bin = config.bin ?? readEnv().codexBin;
  const label: AgentLabel = { type: 'codex', bin };
  const killGraceMs = config.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const threadUsage = new ThreadUsage();
  return {
    type: 'codex',
    async runTurn(request: TurnRequest): Promise<TurnOutcome> {
      const files = await prepareFiles(request);
      try {
        const reader = createCodexEventReader(request.onProgress);
        const env = { ...(config.baseEnv ?? process.env), ...request.env };
        const stallTimeoutMs = stallTimeoutFor(request, config);
        const run = await runTurnProcess(request, { file: bin, args: codexArgs(request, files), env, killGraceMs, stallTimeoutMs, isProgressLine: isCodexProgress, onStdoutLine: reader.line });
        const events = reader.state;
        const facts = {
          text: events.lastAgentMessage ?? '',
          // codex picks a new thread's id itself; only a resumed thread's id is known before it starts.
          sessionId: events.threadId ?? (request.session?.resume === true ? request.session.id : undefined),
          tokens: threadUsage.turnUsage(events.threadId, request.session?.resume === true, events.usage),
        };
        const stopped = stoppedByCcx(run, label, { timeoutMs: request.timeoutMs, killGraceMs, cwd: request.worktree, stallTimeoutMs });
        if (stopped !== undefined) return { ...stopped, ...facts, kind: stopped.kind, message: stopped.message };
        const classified = classifyCodex(run, events, label, new Date(), env['TZ']);
        if (classified.kind !== 'ok') return outcome(run, { ...facts, ...classified });
        // -o is trusted only on exit 0 with turn.completed: on failure it is stale or empty.
        const last = await readFile(files.lastMessage, 'utf8').catch(() => undefined);
        const text = last !== undefined && last.trim() !== '' ? last : facts.text;
        return outcome(run, { ...facts, ...classified, text, structured: request.outputSchema === undefined ? undefined : parseJson(text) });
      } finally {
        await Promise.all([files.schema, files.lastMessage].map((path) => (path === undefined ? undefined : rm(path, { force: true }))));
      }
    },
  };
}

async function prepareFiles(request: TurnRequest): Promise<CodexFiles> {
  const id = randomUUID();
  const lastMessage = join(request.scratchDir, `codex-last-message-${id}.txt`);
  await rm(lastMessage, { force: true });
  if (request.outputSchema === undefined) return { lastMessage };
  const schema = join(request.scratchDir, `codex-output-schema-${id}.json`);
  await writeFile(schema, JSON.stringify(request.outputSchema, null, 2), { mode: 0o600 });
  return { schema, lastMessage };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON: the caller validates and reports it
  }
}
