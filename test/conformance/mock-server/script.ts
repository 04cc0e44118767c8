/**
 * What the mock model answers. A test registers a script under a marker string it puts in its
 * prompt; step i of the script answers the i-th model call after the latest prompt holding that
 * marker, so tool loops, retries and resumed sessions line up without server-side state.
 */
export type MockStep =
  /** A plain assistant text. */
  | { text: string }
  /** A tool call: claude tool_use (Write, Edit, Bash, mcp__ccx__ask_person, …), codex function_call (exec_command, …; an MCP tool with its `namespace`). */
  | { tool: { name: string; input: Record<string, unknown>; namespace?: string } }
  /** codex's freeform apply_patch tool. */
  | { patch: string }
  /** A JSON answer: claude's StructuredOutput tool when offered, else the JSON as text. */
  | { json: unknown }
  /** An HTTP error. */
  | { http: { status: number; headers?: Record<string, string>; body?: unknown } }
  /** Accept the request and never answer. */
  | { hang: true };

export const FALLBACK_STEP: MockStep = { text: 'ok' };

export interface Selection {
  marker: string | undefined;
  step: number;
}

type Json = Record<string, unknown>;

/** Anthropic Messages: the last user message with a marker, then the assistant turns since. */
export function selectAnthropic(body: Json, markers: readonly string[]): Selection {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Json[]) : [];
  return select(messages, markers, (message) => message['role'] === 'user', (message) => message['role'] === 'assistant');
}

/** OpenAI Responses: the last user message item with a marker, then the model's output items since. */
export function selectOpenAi(body: Json, markers: readonly string[]): Selection {
  const input = Array.isArray(body['input']) ? (body['input'] as Json[]) : [];
  const isOutput = (item: Json) =>
    item['type'] === 'function_call' || item['type'] === 'custom_tool_call' || (item['type'] === 'message' && item['role'] === 'assistant');
  return select(input, markers, (item) => item['type'] === 'message' && item['role'] === 'user', isOutput);
}

function select(items: Json[], markers: readonly string[], isPrompt: (item: Json) => boolean, isAnswer: (item: Json) => boolean): Selection {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index] as Json;
    if (!isPrompt(item)) continue;
    const text = JSON.stringify(item['content'] ?? '');
    // The longest marker that matches, so "limit" never answers a prompt meant for "limit-week".
    const marker = markers.filter((candidate) => text.includes(candidate)).sort((a, b) => b.length - a.length)[0];
    if (marker === undefined) continue;
    return { marker, step: items.slice(index + 1).filter(isAnswer).length };
  }
  return { marker: undefined, step: 0 };
}
