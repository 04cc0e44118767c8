/**
 * Questions from an agent turn to a person (SPEC 15). The loop asks through an `Asker`; the answer
 * comes from the answerer (one read-only agent turn) when it is sure enough, else from the person.
 */

/** What an agent asks: ask_person's arguments, or the JSON a command agent writes to CCX_ASK_FILE. */
export interface Question {
  question: string;
  options: string[];
  context: string;
}

/** The answerer's reply: `{answer, confidence, grounds}`. */
export interface AnswererReply {
  answer: string;
  /** 0..1. */
  confidence: number;
  grounds: string;
}

/** `ask:` in config.yaml, checked, defaults applied. */
export interface AskConfig {
  /** At or above this the answerer's answer is used at once. */
  autoConfidence: number;
  /** How long an asking turn waits for the person before it is told to stop and summarise. */
  waitMs: number;
  /** How long a question may stay unanswered before the task ends blocked (reason `question`). */
  timeoutMs: number;
  /** Who answers first: a role's agent, another agent, or nobody (straight to the person). */
  answerer: AnswererChoice;
}

export type AnswererChoice =
  | { kind: 'role'; role: 'reviewer' | 'implementer' }
  | { kind: 'none' }
  | { kind: 'agent'; agent: { type: 'claude' } | { type: 'codex' } | { type: 'command'; argv: string[] } };

export const DEFAULT_AUTO_CONFIDENCE = 0.8;
export const DEFAULT_ASK_WAIT_MS = 10 * 60_000;
export const DEFAULT_ASK_TIMEOUT_MS = 24 * 60 * 60_000;

export const DEFAULT_ASK_CONFIG: AskConfig = {
  autoConfidence: DEFAULT_AUTO_CONFIDENCE,
  waitMs: DEFAULT_ASK_WAIT_MS,
  timeoutMs: DEFAULT_ASK_TIMEOUT_MS,
  answerer: { kind: 'role', role: 'reviewer' },
};

/** A question in flight: what the files and the journal hold. */
export interface OpenAsk extends Question {
  /** Unique per question (the MCP request's file name, the journal's key). */
  id: string;
  task: string;
  askedAt: string;
  /** The answerer's best guess, when it gave one (shown to the person). */
  guess: AnswererReply | null;
  /** Why the guess was not used. */
  notEnough: string;
}

/** How a question was settled. */
export type AskSettled =
  | { kind: 'answered'; answer: string; by: 'auto' | 'person'; grounds?: string }
  /** ask.wait passed: the turn stops; the answer comes to a later turn. */
  | { kind: 'parked'; ask: OpenAsk }
  /** ask.timeout passed with no answer. */
  | { kind: 'expired'; ask: OpenAsk };

/** A question and its answer, carried into the next turn's prompt. */
export interface AnsweredQuestion extends Question {
  answer: string;
  by: 'auto' | 'person';
}

/** Command agents: write the question JSON to $CCX_ASK_FILE and exit with this code. */
export const EXIT_ASKED = 76;
