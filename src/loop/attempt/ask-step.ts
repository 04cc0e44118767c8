import { answeredBlock, type AskSettled, type Question } from '../../ask/index.js';
import type { AttemptCheckpoint } from '../types.js';
import type { AttemptEnd, Engine } from './engine.js';

type Asks = NonNullable<AttemptCheckpoint['asks']>;

/** The checkpoint's questions, made on first use (checkpoints from before SPEC 15 have none). */
export function asksOf(engine: Engine): Asks {
  engine.state.asks ??= { pending: null, answered: [] };
  return engine.state.asks;
}

/** A question the journal shows open after a restart goes back on the checkpoint: it is answered before the next turn. */
export function adoptOpenAsk(engine: Engine): void {
  const open = engine.input.openAsk;
  if (open === undefined) return;
  const asks = asksOf(engine);
  if (asks.pending === null && !asks.answered.some((item) => item.question === open.question)) asks.pending = open;
}

/**
 * A parked question (its turn stopped after ask.wait, or the daemon restarted meanwhile): waits,
 * without a turn running, until the person answers or ask.timeout passes.
 */
export async function awaitPendingAsk(engine: Engine): Promise<AttemptEnd | null> {
  const asks = asksOf(engine);
  const pending = asks.pending;
  const asker = engine.input.asker;
  if (pending === null) return null;
  if (asker === undefined) return { exit: 'question', message: `${pending.task} waits for an answer to "${pending.question}", and this run cannot ask a person.` };
  const settled = await asker.awaitParked(pending, engine.input.signal);
  if (settled.kind === 'answered') {
    record(engine, pending, settled);
    return null;
  }
  if (settled.kind === 'expired') {
    const hours = Math.round(asker.config.timeoutMs / 36_000) / 100;
    return { exit: 'question', message: `No answer to the question "${cut(pending.question)}" came within ask.timeout (${hours} h), so the task is blocked. Put the decision in the brief and set the task back to pending.` };
  }
  return { exit: 'cancelled', message: `The attempt was cancelled while it waited for an answer to "${cut(pending.question)}".` };
}

/** An answer the next work turn carries (a parked question's, or a command agent's exit-76 question's). */
export function record(engine: Engine, question: Question, settled: Extract<AskSettled, { kind: 'answered' }>): void {
  const asks = asksOf(engine);
  asks.pending = null;
  asks.answered.push({ question: question.question, options: question.options, context: question.context, answer: settled.answer, by: settled.by });
}

/** The prompt's section of answers, '' when there are none. */
export function answersSection(engine: Engine): string {
  return answeredBlock(asksOf(engine).answered);
}

/** A command agent reads its answer in CCX_ANSWER (the latest one). */
export function answerEnv(engine: Engine): Record<string, string> {
  const last = asksOf(engine).answered.at(-1);
  return last === undefined ? {} : { CCX_ANSWER: last.answer };
}

function cut(text: string): string {
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}
