import type { ServerResponse } from 'node:http';
import type { MockStep } from './script.js';

type Json = Record<string, unknown>;

/** The minimal OpenAI Responses stream codex accepts: one output_item.done, then response.completed. */
export function writeOpenAi(response: ServerResponse, step: MockStep, callNumber: number): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (type: string, data: Json) => response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const id = `resp_mock_${callNumber}`;
  send('response.created', { response: { id } });
  send('response.output_item.done', { output_index: 0, item: outputItem(step, callNumber) });
  send('response.completed', {
    response: {
      id,
      usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 40 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 120 },
    },
  });
  response.end();
}

function outputItem(step: MockStep, callNumber: number): Json {
  if ('tool' in step) {
    const namespace = step.tool.namespace === undefined ? {} : { namespace: step.tool.namespace };
    return { type: 'function_call', id: `fc_mock_${callNumber}`, call_id: `call_mock_${callNumber}`, name: step.tool.name, ...namespace, arguments: JSON.stringify(step.tool.input) };
  }
  if ('patch' in step) {
    return { type: 'custom_tool_call', id: `ctc_mock_${callNumber}`, call_id: `call_mock_${callNumber}`, name: 'apply_patch', input: step.patch };
  }
  const text = 'json' in step ? JSON.stringify(step.json) : 'text' in step ? step.text : `mock call ${callNumber}`;
  return { type: 'message', id: `msg_mock_${callNumber}`, role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
}
