import { firstLine, num, obj, parseObjectLine, str } from '../parse/json.js';
import type { Json } from '../parse/json.js';

/**
 * Reads `codex exec --json` events line by line. `error` events during retries and items of type
 * `error` are not failures; only `turn.failed` (or a non-zero exit without `turn.completed`) is.
 */
export interface CodexUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface CodexEvents {
  threadId?: string;
  turnCompleted: boolean;
  /** The message of the last `turn.failed`. */
  failure?: string;
  /** The last top-level `error` event (retries, or the reason right before `turn.failed`). */
  lastError?: string;
  lastAgentMessage?: string;
  /** As `turn.completed` reports it: thread totals when the thread was resumed. */
  usage?: CodexUsage;
}

/**
 * Whether a stdout line is progress for the stall timer: any event but a top-level `error`, which
 * codex prints on every reconnect (forever, when its endpoint is unreachable).
 */
export function isCodexProgress(raw: string): boolean {
  const event = parseObjectLine(raw);
  return event !== undefined && event['type'] !== 'error';
}

export function createCodexEventReader(onProgress?: (line: string) => void) {
  const state: CodexEvents = { turnCompleted: false };
  return {
    state,
    line(raw: string): void {
      const event = parseObjectLine(raw);
      if (event === undefined) return;
      switch (event['type']) {
        case 'thread.started':
          state.threadId = str(event['thread_id']) ?? state.threadId;
          break;
        case 'turn.completed':
          state.turnCompleted = true;
          state.usage = readUsage(obj(event['usage']));
          break;
        case 'turn.failed':
          state.failure = str(obj(event['error'])?.['message']) ?? state.lastError ?? 'turn failed';
          break;
        case 'error':
          state.lastError = str(event['message']) ?? state.lastError;
          if (state.lastError !== undefined) onProgress?.(`codex: ${state.lastError.slice(0, 200)}`);
          break;
        case 'item.completed':
          readItem(obj(event['item']), state, onProgress);
          break;
      }
    },
  };
}

function readItem(item: Json | undefined, state: CodexEvents, onProgress?: (line: string) => void): void {
  if (item === undefined) return;
  const type = str(item['type']);
  if (type === 'agent_message') {
    state.lastAgentMessage = str(item['text']) ?? state.lastAgentMessage;
    const first = firstLine(state.lastAgentMessage);
    if (first !== '') onProgress?.(`codex: ${first}`);
  } else if (type === 'command_execution') {
    onProgress?.(`codex: ran ${(str(item['command']) ?? '').slice(0, 200)} (exit ${String(item['exit_code'] ?? '?')})`);
  } else if (type === 'file_change') {
    const changes = Array.isArray(item['changes']) ? item['changes'] : [];
    const paths = changes.map((change: unknown) => str(obj(change)?.['path'])).filter((path) => path !== undefined);
    onProgress?.(`codex: changed ${paths.join(', ')}`);
  }
}

function readUsage(usage: Json | undefined): CodexUsage | undefined {
  if (usage === undefined) return undefined;
  return {
    input: num(usage['input_tokens']) ?? 0,
    output: num(usage['output_tokens']) ?? 0,
    cacheRead: num(usage['cached_input_tokens']),
    cacheWrite: num(usage['cache_write_input_tokens']),
    reasoning: num(usage['reasoning_output_tokens']),
  };
}
