import { firstLine, num, obj, parseObjectLine, str } from '../parse/json.js';
import type { Json } from '../parse/json.js';

/**
 * Reads `claude -p --output-format stream-json --verbose` line by line. Fields were added between
 * versions (2.1.197, 2.1.329), so every field is optional and a line that does not parse is skipped.
 */
export interface ClaudeResult {
  subtype?: string;
  isError: boolean;
  apiErrorStatus?: number;
  /** 2.1.329: e.g. "usage_limit_reached". */
  apiError?: string;
  terminalReason?: string;
  text?: string;
  errors: string[];
  sessionId?: string;
  costUsd?: number;
  durationApiMs?: number;
  usage?: { input: number; output: number; cacheRead?: number; cacheWrite?: number };
  structuredOutput?: unknown;
}

export interface ClaudeStream {
  sessionId?: string;
  /** From `rate_limit_event.rate_limit_info`: the only place the reset epoch appears. */
  rateLimit?: { status?: string; resetsAt?: number; type?: string };
  /** An assistant message's `error` field, e.g. "authentication_failed". */
  assistantError?: string;
  result?: ClaudeResult;
}

/** Whether a stdout line is progress for the stall timer: any event but an `api_retry` notice. */
export function isClaudeProgress(raw: string): boolean {
  const event = parseObjectLine(raw);
  return event !== undefined && !(event['type'] === 'system' && event['subtype'] === 'api_retry');
}

export function createClaudeStreamReader(onProgress?: (line: string) => void) {
  const state: ClaudeStream = {};
  return {
    state,
    line(raw: string): void {
      const event = parseObjectLine(raw);
      if (event === undefined) return;
      const sessionId = str(event['session_id']);
      if (sessionId !== undefined) state.sessionId = sessionId;
      switch (event['type']) {
        case 'rate_limit_event': {
          const info = obj(event['rate_limit_info']) ?? {};
          state.rateLimit = { status: str(info['status']), resetsAt: num(info['resetsAt']), type: str(info['rateLimitType']) };
          break;
        }
        case 'assistant': {
          const error = str(event['error']);
          if (error !== undefined) state.assistantError = error;
          for (const line of assistantProgress(obj(event['message']))) onProgress?.(line);
          break;
        }
        case 'system':
          if (event['subtype'] === 'api_retry') onProgress?.(`claude: API retry ${String(event['attempt'] ?? '?')}/${String(event['max_retries'] ?? '?')} (status ${String(event['error_status'] ?? '?')})`);
          break;
        case 'result':
          state.result = readResult(event);
          break;
      }
    },
  };
}

function readResult(event: Json): ClaudeResult {
  const usage = obj(event['usage']);
  return {
    subtype: str(event['subtype']),
    isError: event['is_error'] === true,
    apiErrorStatus: num(event['api_error_status']),
    apiError: str(event['api_error']),
    terminalReason: str(event['terminal_reason']),
    text: str(event['result']),
    errors: Array.isArray(event['errors']) ? event['errors'].filter((item): item is string => typeof item === 'string') : [],
    sessionId: str(event['session_id']),
    costUsd: num(event['total_cost_usd']),
    durationApiMs: num(event['duration_api_ms']),
    usage: usage === undefined ? undefined : {
      input: num(usage['input_tokens']) ?? 0,
      output: num(usage['output_tokens']) ?? 0,
      cacheRead: num(usage['cache_read_input_tokens']),
      cacheWrite: num(usage['cache_creation_input_tokens']),
    },
    structuredOutput: event['structured_output'] ?? undefined,
  };
}

function assistantProgress(message: Json | undefined): string[] {
  const content = message?.['content'];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block: unknown) => {
    const item = obj(block);
    if (item?.['type'] === 'text') {
      const first = firstLine(str(item['text']));
      return first === '' ? [] : [`claude: ${first}`];
    }
    if (item?.['type'] === 'tool_use') {
      const input = obj(item['input']) ?? {};
      const target = str(input['file_path']) ?? str(input['command']) ?? str(input['pattern']) ?? '';
      return [`claude: ${str(item['name']) ?? 'tool'} ${target.slice(0, 200)}`.trimEnd()];
    }
    return [];
  });
}
