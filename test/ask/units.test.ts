import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { claudeArgs } from '../../src/agents/claude/args.js';
import { codexArgs } from '../../src/agents/codex/args.js';
import type { TurnAsk, TurnRequest } from '../../src/agents/index.js';
import { answerIn, parseDuration, readAnswererReply } from '../../src/ask/index.js';
import { serveMcp } from '../../src/ask/mcp-server.js';
import { parseConfig } from '../../src/config/config-file.js';

const ask: TurnAsk = { mcpArgv: ['/usr/bin/node', '/ccx/dist/cli/bin.js', 'mcp', '--dir', '/state/runs/T-1/a1/.scratch/ask-c1'], questionFile: '/q.json', toolTimeoutMs: 600_000, isWaiting: () => false };
const request = (role: 'implementer' | 'reviewer'): TurnRequest => ({ role, prompt: '', worktree: '/wt', model: 'm', effort: 'high', timeoutMs: 1000, scratchDir: '/s', ask });

describe('ask: in config.yaml', () => {
  const base = 'repo: /r\nintegration: main\n';
  it('reads durations and the answerer, with defaults for the rest', () => {
    const parsed = parseConfig(`${base}ask: {wait: 90s, timeout: 2h, answerer: none}\n`);
    expect('config' in parsed && parsed.config.ask).toEqual({ autoConfidence: 0.8, waitMs: 90_000, timeoutMs: 7_200_000, answerer: { kind: 'none' } });
  });
  it('says what is wrong, where, and the key meant', () => {
    const parsed = parseConfig(`${base}ask:\n  wiat: 5m\n  auto_confidence: 2\n  answerer: reviwer\n`);
    expect('problems' in parsed && parsed.problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`)).toMatchInlineSnapshot(`
      [
        "4:3 ask.wiat is not an ask setting; did you mean wait? (ask takes: auto_confidence, wait, timeout, answerer).",
        "5:20 ask.auto_confidence must be a number from 0 to 1 (1 sends every question to you), but it is 2.",
        "6:13 ask.answerer must be reviewer, implementer, none or an agent such as {type: command, argv: [...]}, but it is "reviwer"; did you mean reviewer?",
      ]
    `);
  });
  it('parses durations', () => {
    expect([parseDuration('10m'), parseDuration('24h'), parseDuration(30), parseDuration('soon')]).toEqual([600_000, 86_400_000, 30_000, null]);
  });
});

describe('the answerer and the answer file', () => {
  it('reads {answer, confidence, grounds} from structured output, plain JSON or a fenced block', () => {
    expect(readAnswererReply({ structured: { answer: 'a', confidence: 0.9, grounds: 'g' }, text: '' })).toEqual({ answer: 'a', confidence: 0.9, grounds: 'g' });
    expect(readAnswererReply({ text: 'Sure:\n```json\n{"answer": "b", "confidence": 1.4, "grounds": ""}\n```' })).toEqual({ answer: 'b', confidence: 1, grounds: '' });
    expect(readAnswererReply({ text: 'no idea' })).toBeNull();
  });
  it('takes what is under ## Answer, comments aside', () => {
    expect(answerIn('# q\n## Answer\n<!-- write below -->\n\n')).toBeNull();
    expect(answerIn('# q\n## Answer\n<!-- write below -->\nUse green.\n')).toBe('Use green.');
  });
});

describe('wiring ask_person into a turn', () => {
  it('claude: --mcp-config and the tool allowed, for the implementer only', () => {
    const args = claudeArgs(request('implementer'), { type: 'claude' }, '/s/mcp.json');
    expect(args.join(' ')).toContain('--mcp-config /s/mcp.json');
    expect(args.find((arg) => arg.startsWith('--allowedTools='))).toContain(',mcp__ccx__ask_person');
    expect(claudeArgs(request('reviewer'), { type: 'claude' }, '/s/mcp.json').join(' ')).not.toContain('mcp');
  });
  it('codex: the server through -c, approved, with a tool timeout past ask.wait; never for a reviewer', () => {
    const args = codexArgs(request('implementer'), { lastMessage: '/s/last' });
    expect(args.filter((_, index) => args[index - 1] === '-c' && args[index]?.startsWith('mcp_servers'))).toEqual([
      'mcp_servers.ccx.command="/usr/bin/node"',
      'mcp_servers.ccx.args=["/ccx/dist/cli/bin.js","mcp","--dir","/state/runs/T-1/a1/.scratch/ask-c1"]',
      'mcp_servers.ccx.tool_timeout_sec=660',
      'mcp_servers.ccx.startup_timeout_sec=30',
      'mcp_servers.ccx.default_tools_approval_mode="approve"',
    ]);
    expect(codexArgs(request('reviewer'), { lastMessage: '/s/last' }).join(' ')).not.toContain('mcp_servers');
  });
});

describe('ccx mcp speaks JSON-RPC 2.0 over stdio', () => {
  it('initializes, lists ask_person, answers a call through its channel, and refuses unknown methods', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const served = serveMcp({ input, output, ask: async (question) => ({ text: `answer to ${question.question}`, stop: false }) });
    const send = (message: object) => input.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26' } });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/list' });
    send({ id: 3, method: 'tools/call', params: { name: 'ask_person', arguments: { question: 'Which?', options: ['a'] } } });
    send({ id: 4, method: 'tools/call', params: { name: 'ask_person', arguments: {} } });
    send({ id: 5, method: 'resources/list' });
    input.end();
    await served;
    const replies = written.trim().split('\n').map((line) => JSON.parse(line) as { id: number; result?: Record<string, unknown>; error?: { code: number } });
    const byId = new Map(replies.map((reply) => [reply.id, reply]));
    expect(replies).toHaveLength(5); // the notification gets no reply
    expect(byId.get(1)?.result).toMatchObject({ protocolVersion: '2025-03-26', capabilities: { tools: {} }, serverInfo: { name: 'ccx' } });
    expect((byId.get(2)?.result?.['tools'] as Array<{ name: string }>).map((tool) => tool.name)).toEqual(['ask_person']);
    expect(byId.get(3)?.result).toEqual({ content: [{ type: 'text', text: 'answer to Which?' }], isError: false });
    expect(byId.get(4)?.result).toMatchObject({ isError: true });
    expect(byId.get(5)?.error?.code).toBe(-32601);
  });
});
