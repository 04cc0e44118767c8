import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { postQuestion, type ChannelReply } from './channel.js';
import { normaliseQuestion } from './question.js';
import type { Question } from './types.js';

/**
 * `ccx mcp`: a Model Context Protocol server over stdio (newline-delimited JSON-RPC 2.0) with one
 * tool, ask_person. Written by hand: four methods do not need an SDK.
 */
export { ASK_MCP_SERVER as MCP_SERVER_NAME, ASK_TOOL as ASK_TOOL_NAME, CLAUDE_ASK_TOOL } from '../agents/ask-wiring.js';
import { ASK_MCP_SERVER as MCP_SERVER_NAME, ASK_TOOL as ASK_TOOL_NAME } from '../agents/ask-wiring.js';
const LATEST_PROTOCOL = '2025-06-18';

export const ASK_TOOL = {
  name: ASK_TOOL_NAME,
  description:
    'Ask the person who owns this task a question when you face a real decision the brief does not settle (a product choice, an ambiguity, a risky change). ' +
    'Give options when there are clear alternatives, and the context needed to decide. The call waits for the answer; if it says to stop, stop where you are and summarise.',
  inputSchema: {
    type: 'object',
    properties: {
      question: { type: 'string', description: 'The question, in one or two sentences.' },
      options: { type: 'array', items: { type: 'string' }, description: 'The choices you see, if any.' },
      context: { type: 'string', description: 'What the person needs to know to answer.' },
    },
    required: ['question'],
  },
} as const;

interface Request {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
}

export interface McpServerOptions {
  input: Readable;
  output: Writable;
  /** Settles one question (the channel to the loop, in `ccx mcp`). */
  ask: (question: Question) => Promise<ChannelReply>;
}

/** Serves until stdin ends; resolves then. */
export async function serveMcp(options: McpServerOptions): Promise<void> {
  const send = (message: object) => options.output.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  const pending: Array<Promise<void>> = [];
  const lines = createInterface({ input: options.input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      send({ id: null, error: { code: -32700, message: 'Parse error: each line must be one JSON-RPC message' } });
      continue;
    }
    const work = handle(request, options.ask).then((reply) => {
      if (reply !== null && request.id !== undefined) send({ id: request.id, ...reply });
    });
    pending.push(work);
  }
  await Promise.all(pending);
}

async function handle(request: Request, ask: McpServerOptions['ask']): Promise<{ result: unknown } | { error: { code: number; message: string } } | null> {
  switch (request.method) {
    case 'initialize': {
      const asked = request.params?.['protocolVersion'];
      return {
        result: {
          protocolVersion: typeof asked === 'string' ? asked : LATEST_PROTOCOL,
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: MCP_SERVER_NAME, version: '1' },
          instructions: 'ask_person puts a question to the person who owns the task; use it for real decisions only.',
        },
      };
    }
    case 'ping':
      return { result: {} };
    case 'tools/list':
      return { result: { tools: [ASK_TOOL] } };
    case 'tools/call': {
      const name = request.params?.['name'];
      if (name !== ASK_TOOL_NAME) return { error: { code: -32602, message: `Unknown tool ${JSON.stringify(name)}; this server has ${ASK_TOOL_NAME} only` } };
      let question: Question;
      try {
        question = normaliseQuestion(request.params?.['arguments']);
      } catch (error) {
        return { result: { content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }], isError: true } };
      }
      const reply = await ask(question);
      return { result: { content: [{ type: 'text', text: reply.text }], isError: false } };
    }
    default:
      if (request.method?.startsWith('notifications/') === true || request.id === undefined) return null;
      return { error: { code: -32601, message: `Method not found: ${String(request.method)}` } };
  }
}

/** `ccx mcp --dir <channel>`: the server wired to a turn's channel folder. */
export function serveMcpOnChannel(dir: string, input: Readable, output: Writable): Promise<void> {
  return serveMcp({ input, output, ask: (question) => postQuestion(dir, question) });
}
