import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { askFilePath, ccxMcpArgv, createAsker, DEFAULT_ASK_CONFIG, type AskConfig, type AskEvents } from '../../src/ask/index.js';
import type { AgentConfig } from '../../src/agents/index.js';
import { loopFixture } from '../helpers/loop.js';

const ASKING_AGENT = fileURLToPath(new URL('./fixtures/asking-agent.mjs', import.meta.url));
const MCP_CLAUDE = fileURLToPath(new URL('./fixtures/mcp-asking-claude.mjs', import.meta.url));
const asking: AgentConfig = { type: 'command', argv: [process.execPath, ASKING_AGENT], killGraceMs: 300 };

interface Recorded {
  asked: string[];
  answered: Array<{ by: string; answer: string }>;
  parked: number;
  expired: number;
}

function recorder(): { events: AskEvents; seen: Recorded } {
  const seen: Recorded = { asked: [], answered: [], parked: 0, expired: 0 };
  return {
    seen,
    events: {
      asked: (_ask, file) => void seen.asked.push(file),
      answered: (_ask, answer, by) => void seen.answered.push({ by, answer }),
      parked: () => void seen.parked++,
      expired: () => void seen.expired++,
    },
  };
}

async function askingFixture(config: Partial<AskConfig>, confidence: string, agent: AgentConfig = asking) {
  const fixture = await loopFixture({ agents: { implementer: agent, reviewer: asking }, env: { ASK_CONFIDENCE: confidence }, task: { loops: 1 } });
  const { events, seen } = recorder();
  const asker = createAsker({ config: { ...DEFAULT_ASK_CONFIG, ...config }, stateDir: fixture.input.stateDir, mcpArgv: ccxMcpArgv(), events });
  return { fixture, asker, seen, askFile: askFilePath(fixture.input.stateDir, 'T-1') };
}

async function waitFor<T>(probe: () => Promise<T | null>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an implementer asks (SPEC 15)', () => {
  it('gets the answerer\'s answer at once when it is confident, and the turn goes on with it', async () => {
    const { fixture, asker, seen, askFile } = await askingFixture({}, '0.9');
    const result = await fixture.run({ asker });
    expect(result.exit).toBe('approved');
    expect(await readFile(join(fixture.input.worktree, 'ANSWER.md'), 'utf8')).toBe('colour: blue\n');
    expect(seen.answered).toEqual([{ by: 'auto', answer: 'blue' }]);
    expect(seen.asked).toEqual([]);
    await expect(readFile(askFile, 'utf8')).rejects.toThrow();
  });

  it('writes asks/T-1.md when the answerer is unsure, and takes the answer the person writes there in place', async () => {
    const { fixture, asker, seen, askFile } = await askingFixture({}, '0.3');
    const running = fixture.run({ asker });
    const text = await waitFor(() => readFile(askFile, 'utf8').catch(() => null));
    expect(text).toContain('## Question\n\nWhich colour should the button be?');
    expect(text).toContain('## Options\n\n- blue\n- green');
    expect(text).toContain('## Context\n\nThe brief does not say.');
    expect(text).toContain("## ccx's best guess\n\nblue\n\nConfidence 0.3; grounds: the Direction says blue");
    expect(text).toContain('Why it was not enough: its confidence 0.3 is under ask.auto_confidence 0.8');
    await writeFile(askFile, `${text}green, to match the footer\n`); // in place, as an editor saving
    const result = await running;
    expect(result.exit).toBe('approved');
    expect(await readFile(join(fixture.input.worktree, 'ANSWER.md'), 'utf8')).toBe('colour: green, to match the footer\n');
    expect(seen.answered).toEqual([{ by: 'person', answer: 'green, to match the footer' }]);
    await expect(readFile(askFile, 'utf8')).rejects.toThrow();
  });

  it('ends the attempt with exit question (the task: blocked) when nobody answers within ask.timeout', async () => {
    const { fixture, asker, seen } = await askingFixture({ waitMs: 200, timeoutMs: 600, answerer: { kind: 'none' } }, '0.9');
    const result = await fixture.run({ asker });
    expect(result.exit).toBe('question');
    expect(result.message).toContain('No answer to the question "Which colour should the button be?"');
    expect(seen).toMatchObject({ parked: 1, expired: 1, answered: [] });
  });

  it('through MCP: a turn past ask.wait is told to stop, and the next turn carries the late answer', async () => {
    const claude: AgentConfig = { type: 'claude', bin: MCP_CLAUDE, killGraceMs: 300 };
    const { fixture, asker, seen, askFile } = await askingFixture({ waitMs: 300, answerer: { kind: 'none' } }, '0.9', claude);
    const running = fixture.run({ asker });
    await waitFor(async () => (seen.parked > 0 ? true : null));
    const text = await readFile(askFile, 'utf8');
    await writeFile(askFile, `${text}green\n`);
    const result = await running;
    expect(result.exit).toBe('approved');
    expect(await readFile(join(fixture.input.worktree, 'ANSWER.md'), 'utf8')).toBe('carried: green\n');
    expect(seen.answered).toEqual([{ by: 'person', answer: 'green' }]);
    // The parked turn's checkpoint held the question; the one after the answer, none.
    expect(fixture.checkpoints.some((checkpoint) => checkpoint.asks?.pending?.question === 'Which colour should the button be?')).toBe(true);
  });

  it('through MCP: the answer within ask.wait comes back as the tool result', async () => {
    const claude: AgentConfig = { type: 'claude', bin: MCP_CLAUDE, killGraceMs: 300 };
    const { fixture, asker, seen } = await askingFixture({}, '0.95', claude);
    const result = await fixture.run({ asker });
    expect(result.exit).toBe('approved');
    expect(await readFile(join(fixture.input.worktree, 'ANSWER.md'), 'utf8')).toContain('tool: ccx answered from the brief, the Direction and the history (grounds: the Direction says blue):\n\nblue');
    expect(seen.answered).toEqual([{ by: 'auto', answer: 'blue' }]);
  });
});
