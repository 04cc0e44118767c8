import { join } from 'node:path';
import { createAgent, type TurnAsk } from '../../agents/index.js';
import { normaliseQuestion, removeChannel, serveQuestions, type AnswererRun, type AskContext, type AskSettled, type OpenAsk, type Question } from '../../ask/index.js';
import { git } from '../../git/run.js';
import type { Engine } from '../attempt/engine.js';
import { modelFor } from '../ladder/pick.js';

/** Subjects of the integration branch's latest commits the answerer sees. */
const RECENT_MERGES = 15;

/** One implementer turn's way to ask: the MCP channel (claude, codex) or exit 76 (command agents). */
export interface TurnAskSession {
  request: TurnAsk;
  /** The question the turn stopped on after ask.wait, if it did. */
  parked(): OpenAsk | null;
  /** A command agent's exit-76 question. */
  settle(question: unknown): Promise<{ question: Question; settled: AskSettled }>;
  close(): Promise<void>;
}

export function openTurnAsk(engine: Engine, label: string): TurnAskSession | undefined {
  const { input } = engine;
  const asker = input.asker;
  if (asker === undefined) return undefined;
  const channelDir = join(input.runDir, '.scratch', `ask-${label}`);
  let waiting = 0;
  let parked: OpenAsk | null = null;
  const settle = async (question: Question): Promise<AskSettled> => {
    waiting += 1;
    try {
      const settled = await asker.ask(question, await askContext(engine));
      if (settled.kind === 'parked') parked = settled.ask;
      return settled;
    } finally {
      waiting -= 1;
    }
  };
  const served = serveQuestions(channelDir, async (question) => toolReply(await settle(question), asker.config.waitMs));
  return {
    request: { mcpArgv: [...asker.mcpArgv, '--dir', channelDir], questionFile: join(channelDir, 'command-question.json'), toolTimeoutMs: asker.config.waitMs + answererAllowanceMs(engine), isWaiting: () => waiting > 0 },
    parked: () => parked,
    async settle(raw) {
      const question = normaliseQuestion(raw);
      return { question, settled: await settle(question) };
    },
    async close() {
      served.stop();
      await removeChannel(channelDir);
    },
  };
}

/** What ask_person returns to the agent. */
export function toolReply(settled: AskSettled, waitMs: number): { text: string; stop: boolean } {
  if (settled.kind === 'answered') {
    const who = settled.by === 'auto' ? `ccx answered from the brief, the Direction and the history${settled.grounds === undefined || settled.grounds === '' ? '' : ` (grounds: ${settled.grounds})`}` : 'The person answered';
    return { text: `${who}:\n\n${settled.answer}`, stop: false };
  }
  return {
    text: `No answer yet: the person did not answer within ${Math.round(waitMs / 60_000)} min. Do not guess. Stop where you are: summarise what you have done and what is left, then end your turn. The next turn will carry the question and its answer.`,
    stop: true,
  };
}

/** The answerer turn runs before the person is asked: the tool call may take that long too. */
function answererAllowanceMs(engine: Engine): number {
  return engine.input.asker?.config.answerer.kind === 'none' ? 0 : engine.input.turnTimeoutMs;
}

async function askContext(engine: Engine): Promise<AskContext> {
  const { input } = engine;
  const options = { cwd: input.worktree, taskWorktree: true, readOnly: true };
  const [diff, log] = await Promise.all([
    git(input.repo, ['diff', '--no-color', '--no-ext-diff', input.base, '--'], options).then((result) => result.stdout, () => ''),
    git(input.repo, ['log', '--format=%s', `-n${RECENT_MERGES}`, input.base, '--'], options).then((result) => result.stdout, () => ''),
  ]);
  return {
    task: input.task.id,
    answererInput: { brief: input.brief, direction: input.direction, diff, recentMerges: log.split('\n').filter((line) => line.trim() !== '') },
    answerer: answererRun(engine),
    signal: input.signal,
  };
}

function answererRun(engine: Engine): AnswererRun | null {
  const { input } = engine;
  const choice = input.asker?.config.answerer;
  if (choice === undefined || choice.kind === 'none') return null;
  const adapter = choice.kind === 'role' ? input.agents[choice.role] : createAgent(choice.agent);
  const { model, effort } = modelFor(input.rung, adapter.type, 'reviewer');
  return { adapter, model, effort, worktree: input.worktree, scratchDir: join(input.runDir, '.scratch'), timeoutMs: input.turnTimeoutMs, signal: input.signal, env: { CCX_TASK_ID: input.task.id, CCX_STATE_DIR: input.stateDir } };
}
