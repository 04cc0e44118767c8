import type { ServerResponse } from 'node:http';
import type { MockStep } from './script.js';

type Json = Record<string, unknown>;

/**
 * The minimal Anthropic Messages stream claude accepts: message_start, one content block (text
 * through text_delta; a tool's input through one input_json_delta), message_delta, message_stop.
 */
export function writeAnthropic(response: ServerResponse, step: MockStep, body: Json, callNumber: number): void {
  const block = contentBlock(step, body, callNumber);
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (type: string, data: Json) => response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', {
    message: { id: `msg_mock_${callNumber}`, type: 'message', role: 'assistant', model: String(body['model'] ?? 'mock'), content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 100, output_tokens: 1 } },
  });
  if (block.type === 'text') {
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: block.text } });
  } else {
    send('content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_mock_${callNumber}`, name: block.name, input: {} } });
    send('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
  }
  send('content_block_stop', { index: 0 });
  send('message_delta', { delta: { stop_reason: block.type === 'text' ? 'end_turn' : 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } });
  send('message_stop', {});
  response.end();
}

type Block = { type: 'text'; text: string } | { type: 'tool'; name: string; input: Json };

function contentBlock(step: MockStep, body: Json, callNumber: number): Block {
  if ('tool' in step) return { type: 'tool', name: step.tool.name, input: step.tool.input };
  if ('json' in step) {
    const offered = Array.isArray(body['tools']) && body['tools'].some((tool: unknown) => (tool as Json)['name'] === 'StructuredOutput');
    return offered ? { type: 'tool', name: 'StructuredOutput', input: step.json as Json } : { type: 'text', text: JSON.stringify(step.json) };
  }
  if ('text' in step) return { type: 'text', text: step.text };
  if ('patch' in step) return { type: 'text', text: step.patch };
  return { type: 'text', text: `mock call ${callNumber}` };
}
