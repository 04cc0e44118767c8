import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type AgentConfig, type TurnAsk, type TurnOutcome } from '../../src/agents/index.js';
import { ccxMcpArgv, serveQuestions, type Question } from '../../src/ask/index.js';
import { gitdir } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';
import { CLAUDE, CODEX, claudeEnv, codexEnv, isolatedHome } from './clis.js';
import { startMockModel, type MockModel } from './mock-server/server.js';

const ANSWER = 'The person answered: green, to match the footer.';

/** The tool names a model request offered (Anthropic `tools[].name`, OpenAI `tools[].name`, namespaced ones flattened). */
function offeredTools(body: Record<string, unknown> | undefined): string[] {
  const tools = Array.isArray(body?.['tools']) ? (body['tools'] as Array<Record<string, unknown>>) : [];
  return tools.flatMap((tool) => [String(tool['name'] ?? ''), ...(Array.isArray(tool['tools']) ? (tool['tools'] as Array<Record<string, unknown>>).map((inner) => `${String(tool['name'])}${String(inner['name'])}`) : [])]);
}

describe.skipIf(CLAUDE === undefined && CODEX === undefined)('ask_person through ccx mcp, called by the real CLIs (SPEC 15)', () => {
  let mock: MockModel;
  let home: Awaited<ReturnType<typeof isolatedHome>>;
  beforeAll(async () => {
    mock = await startMockModel();
    home = await isolatedHome();
  });
  afterAll(async () => {
    await mock.close();
    await home.remove();
  });

  /** One implementer turn with ask_person wired in, the loop's side played by serveQuestions. */
  async function askingTurn(config: AgentConfig, marker: string, model: string): Promise<{ outcome: TurnOutcome; questions: Question[] }> {
    const scratchDir = await testdir();
    const channel = join(scratchDir, 'ask-channel');
    const questions: Question[] = [];
    let waiting = 0;
    const served = serveQuestions(channel, async (question) => {
      waiting++;
      questions.push(question);
      waiting--;
      return { text: ANSWER, stop: false };
    });
    const ask: TurnAsk = { mcpArgv: [...ccxMcpArgv(), '--dir', channel], questionFile: join(channel, 'q.json'), toolTimeoutMs: 60_000, isWaiting: () => waiting > 0 };
    try {
      const outcome = await createAgent(config).runTurn({
        role: 'implementer', prompt: `${marker}\nDo the task; ask the person which colour.`, worktree: await gitdir(), model, effort: 'high', timeoutMs: 90_000, scratchDir, ask,
      });
      return { outcome, questions };
    } finally {
      served.stop();
    }
  }

  /** The name the CLI gives ccx's tool, read from the model request a plain turn sends. */
  async function toolName(config: AgentConfig, marker: string, model: string): Promise<string> {
    mock.script(marker, [{ text: 'nothing to ask' }]);
    await askingTurn(config, marker, model);
    const request = mock.requests.filter((entry) => entry.marker === marker).at(-1);
    const name = offeredTools(request?.body).find((tool) => tool.includes('ask_person'));
    expect(name, `tools offered: ${offeredTools(request?.body).join(', ')}`).toBeDefined();
    return name ?? '';
  }

  it.skipIf(CLAUDE === undefined)('claude calls ask_person and gets the answer as the tool result', async () => {
    const config: AgentConfig = { type: 'claude', bin: CLAUDE?.bin ?? 'claude', killGraceMs: 1_000, baseEnv: claudeEnv(home.home, mock.url, 'api-key') };
    const name = await toolName(config, 'marker-claude-tools', 'sonnet');
    expect(name).toBe('mcp__ccx__ask_person');
    mock.script('marker-claude-ask', [{ tool: { name, input: { question: 'Which colour?', options: ['blue', 'green'], context: 'The brief is silent.' } } }, { text: 'Went with green.' }]);
    const { outcome, questions } = await askingTurn(config, 'marker-claude-ask', 'sonnet');
    expect(outcome).toMatchObject({ kind: 'ok', text: 'Went with green.' });
    expect(questions).toEqual([{ question: 'Which colour?', options: ['blue', 'green'], context: 'The brief is silent.' }]);
    const last = mock.requests.filter((entry) => entry.marker === 'marker-claude-ask').at(-1);
    expect(JSON.stringify(last?.body?.['messages'])).toContain(ANSWER);
  });

  it.skipIf(CODEX === undefined)('codex calls ask_person and gets the answer as the tool result', async () => {
    const config: AgentConfig = { type: 'codex', bin: CODEX?.bin ?? 'codex', killGraceMs: 1_000, baseEnv: await codexEnv(home.home, mock.openAiUrl) };
    // codex 0.169 offers MCP tools through tool_search (deferred); the model calls them by namespace.
    mock.script('marker-codex-ask', [{ tool: { name: 'ask_person', namespace: 'mcp__ccx', input: { question: 'Which colour?', options: ['blue', 'green'], context: 'The brief is silent.' } } }, { text: 'Went with green.' }]);
    const { outcome, questions } = await askingTurn(config, 'marker-codex-ask', 'gpt-5.5');
    expect(outcome).toMatchObject({ kind: 'ok', text: 'Went with green.' });
    expect(questions).toEqual([{ question: 'Which colour?', options: ['blue', 'green'], context: 'The brief is silent.' }]);
    const last = mock.requests.filter((entry) => entry.marker === 'marker-codex-ask').at(-1);
    expect(JSON.stringify(last?.body?.['input'])).toContain(ANSWER);
  });
});
