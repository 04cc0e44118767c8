import { fileAnswered, writeAnswer, writeAskFile } from './ask-file.js';
import { runAnswerer, type AnswererInput, type AnswererRun } from './answerer.js';
import { newAskId } from './channel.js';
import { waitForPersonAnswer } from './person-wait.js';
import type { AnswererReply, AskConfig, AskSettled, OpenAsk, Question } from './types.js';

/** What happens to a question, for the audit log, the journal, STATUS.md and notifications. */
export interface AskEvents {
  /** The question went to the person: the file is written. */
  asked?(ask: OpenAsk, file: string): void | Promise<void>;
  answered?(ask: OpenAsk | Question, answer: string, by: 'auto' | 'person', grounds: string | null): void | Promise<void>;
  /** ask.wait passed: the turn stops, the task waits without holding its slot. */
  parked?(ask: OpenAsk): void | Promise<void>;
  /** The parked task waits no more (answered or expired). */
  unparked?(ask: OpenAsk): void | Promise<void>;
  expired?(ask: OpenAsk): void | Promise<void>;
}

/** A second way to reach the person (the terminal of `ccx loop`); it races the file. */
export type PersonPrompt = (ask: OpenAsk, signal: AbortSignal) => Promise<string | null>;

export interface AskerOptions {
  config: AskConfig;
  stateDir: string;
  /** The argument vector that starts `ccx mcp` (node and ccx's bin.js). */
  mcpArgv: string[];
  events?: AskEvents;
  prompt?: PersonPrompt;
}

/** What the loop gives for one question. */
export interface AskContext {
  task: string;
  answererInput: Omit<AnswererInput, 'question' | 'task'>;
  /** null: no answerer (ask.answerer: none). */
  answerer: AnswererRun | null;
  signal: AbortSignal;
}

/** How the loop asks (SPEC 15): the answerer first, then the person through the file (and the terminal). */
export interface Asker {
  readonly config: AskConfig;
  readonly mcpArgv: string[];
  /** Settles a question asked mid-turn: answered, or parked after ask.wait. */
  ask(question: Question, context: AskContext): Promise<AskSettled>;
  /** Waits for a parked question's answer until ask.timeout from when it was asked. */
  awaitParked(ask: OpenAsk, signal: AbortSignal): Promise<AskSettled>;
}

export function createAsker(options: AskerOptions): Asker {
  const { config, stateDir, events = {} } = options;
  const personAnswer = async (ask: OpenAsk, untilMs: number, signal: AbortSignal): Promise<string | null> => {
    const local = new AbortController();
    const stop = () => local.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const waits = [waitForPersonAnswer(stateDir, ask.task, ask.id, untilMs, local.signal)];
      if (options.prompt !== undefined) {
        waits.push(options.prompt(ask, local.signal).then(async (typed) => {
          if (typed === null || typed.trim() === '') return new Promise<string | null>(() => undefined); // the file may still answer
          await writeAnswer(stateDir, ask.task, typed);
          return typed.trim();
        }));
      }
      return await Promise.race(waits);
    } finally {
      local.abort();
      signal.removeEventListener('abort', stop);
    }
  };
  const settled = async (ask: OpenAsk, answer: string): Promise<AskSettled> => {
    await fileAnswered(stateDir, ask.task, ask.id);
    await events.answered?.(ask, answer, 'person', null);
    return { kind: 'answered', answer, by: 'person' };
  };
  return {
    config,
    mcpArgv: options.mcpArgv,
    async ask(question, context) {
      let guess: AnswererReply | null = null;
      let problem = 'no answerer is configured (ask.answerer: none)';
      if (context.answerer !== null) {
        const ran = await runAnswerer({ ...context.answererInput, task: context.task, question }, context.answerer);
        guess = ran.reply;
        problem = ran.problem;
        if (guess !== null && guess.confidence >= config.autoConfidence) {
          await events.answered?.(question, guess.answer, 'auto', guess.grounds);
          return { kind: 'answered', answer: guess.answer, by: 'auto', grounds: guess.grounds };
        }
        if (guess !== null) problem = `its confidence ${guess.confidence} is under ask.auto_confidence ${config.autoConfidence}`;
      }
      const ask: OpenAsk = { ...question, id: newAskId(), task: context.task, askedAt: new Date().toISOString(), guess, notEnough: problem };
      const file = await writeAskFile(stateDir, ask, new Date(Date.parse(ask.askedAt) + config.timeoutMs).toISOString());
      await events.asked?.(ask, file);
      const answer = await personAnswer(ask, Date.now() + config.waitMs, context.signal);
      if (answer !== null) return settled(ask, answer);
      return { kind: 'parked', ask };
    },
    async awaitParked(ask, signal) {
      await events.parked?.(ask);
      const answer = await personAnswer(ask, Date.parse(ask.askedAt) + config.timeoutMs, signal);
      await events.unparked?.(ask);
      if (answer !== null) return settled(ask, answer);
      if (signal.aborted) return { kind: 'parked', ask };
      await fileAnswered(stateDir, ask.task, ask.id);
      await events.expired?.(ask);
      return { kind: 'expired', ask };
    },
  };
}
