import { commitTurn, diffSince, turnCommitMessage } from '../../git/index.js';
import { mergeIntegrationIntoTask } from '../../merge/index.js';
import { cutChars } from '../prompt/blocks.js';
import { MAX_NOTE_CHARS } from '../prompt/limits.js';
import { fixPrompt, implementPrompt, resolvePrompt } from '../prompt/work.js';
import { openTurnAsk } from '../turn/ask-turn.js';
import { runAgentTurn } from '../turn/run-turn.js';
import { answerEnv, answersSection, asksOf, awaitPendingAsk, record } from './ask-step.js';
import type { AttemptStep } from '../types.js';
import type { AttemptEnd, Engine } from './engine.js';
import { turnFailed } from './failed.js';
import { workSlot } from './roles.js';

type WorkStep = Extract<AttemptStep, 'implement' | 'fix' | 'resolve'>;

/** SPEC 6.2: an implement, fix or resolve turn, then its commit on the task branch. */
export async function runWorkStep(engine: Engine, step: WorkStep): Promise<AttemptEnd | null> {
  const { input, state } = engine;
  const cycle = state.cycle;
  if (step === 'resolve') await startResolve(engine);
  else {
    const unanswered = await awaitPendingAsk(engine);
    if (unanswered !== null) return unanswered;
  }
  engine.emit({ type: 'phase', cycle, phase: step, maxCycles: engine.maxCycles });
  const diff = await diffSince(input.repo, { worktree: input.worktree, base: input.base, head: state.head });
  const common = { task: input.task, brief: input.brief, direction: input.direction, testCommand: input.testCommand, base: input.base, diff, cycle, maxCycles: engine.maxCycles };
  const prompt =
    step === 'implement'
      ? implementPrompt(common)
      : step === 'fix'
        ? fixPrompt({ ...common, findings: state.open })
        : resolvePrompt({ ...common, integration: state.resolve?.integration ?? '', integrationHead: state.resolve?.integrationHead ?? '', conflicts: state.resolve?.conflicts ?? [] });
  const slot = workSlot(input.task, cycle);
  const answers = answersSection(engine);
  // SPEC 15: implement and fix turns may ask a person; a resolve turn only resolves.
  const ask = step === 'resolve' ? undefined : openTurnAsk(engine, `c${cycle}-${step}-${state.turns}`);
  const outcome = await runAgentTurn(engine, { slot, role: 'implementer', phase: step, prompt: answers === '' ? prompt : `${prompt}\n\n${answers}`, env: answerEnv(engine), ...(ask === undefined ? {} : { ask: ask.request }) }).finally(() => ask?.close());
  if (outcome.kind === 'asked' && ask !== undefined) {
    // A command agent asked (exit 76): settle it, then the same step runs again with the answer.
    const { question, settled } = await ask.settle(outcome.question);
    if (settled.kind === 'answered') record(engine, question, settled);
    else asksOf(engine).pending = settled.ask;
    await engine.checkpoint();
    return null;
  }
  if (outcome.kind !== 'ok') return turnFailed(engine, step, slot, outcome);
  const message = turnCommitMessage({ id: input.task.id, attempt: input.task.attempt, cycle, role: step });
  const commit = await commitTurn(input.repo, { worktree: input.worktree, message, branch: engine.branch });
  if (!commit.empty) state.head = commit.sha;
  engine.emit({ type: 'turn.committed', cycle, phase: step, sha: commit.empty ? null : commit.sha, files: commit.empty ? 0 : commit.changes.length });
  state.lastWork = { cycle, empty: commit.empty, note: cutChars(outcome.text.trim(), MAX_NOTE_CHARS) };
  if (commit.empty && step === 'fix' && state.open.length > 0) engine.emit({ type: 'fix.empty', cycle, unresolved: state.open.length });
  const parked = ask?.parked() ?? null;
  if (parked !== null) {
    // The turn stopped on an unanswered question: its work is kept, and the same step runs again once answered.
    asksOf(engine).pending = parked;
    await engine.checkpoint();
    return null;
  }
  asksOf(engine).answered = [];
  state.step = 'check';
  await engine.checkpoint();
  return null;
}

/** SPEC 6.8: merge the integration head into the task branch in its worktree, markers and all. */
async function startResolve(engine: Engine): Promise<void> {
  const { input, state } = engine;
  const integration = state.resolve?.integration ?? '';
  const started = await mergeIntegrationIntoTask(input.repo, { worktree: input.worktree, integration });
  state.resolve = { integration, integrationHead: started.integrationHead, conflicts: started.conflicts };
}
