import type { AgentAdapter, TurnOutcome } from '../agents/index.js';
import { obj, num, str } from '../agents/parse/json.js';
import type { AnswererReply, Question } from './types.js';

/** What the answerer sees (SPEC 15): the question, the brief, the Direction, the diff so far, recent merges. */
export interface AnswererInput {
  task: string;
  question: Question;
  brief: string;
  direction: string;
  /** The task branch's diff against its base (already bounded by the caller). */
  diff: string;
  /** Subjects of the integration branch's latest commits, newest first. */
  recentMerges: string[];
}

/** OpenAI-strict (codex --output-schema): every property required, nothing else allowed. */
export const ANSWERER_SCHEMA = {
  type: 'object',
  properties: {
    answer: { type: 'string' },
    confidence: { type: 'number' },
    grounds: { type: 'string' },
  },
  required: ['answer', 'confidence', 'grounds'],
  additionalProperties: false,
} as const;

const MAX_DIFF_CHARS = 40_000;

export function answererPrompt(input: AnswererInput): string {
  const { question } = input;
  const diff = input.diff.length > MAX_DIFF_CHARS ? `${input.diff.slice(0, MAX_DIFF_CHARS)}\n… (diff cut at ${MAX_DIFF_CHARS} characters)` : input.diff;
  return [
    `# A question from the agent working on ${input.task}`,
    '',
    'An implementer agent asked the person who owns this task the question below. Answer it for them only if the brief, the Direction,',
    'the work so far or the recent merges settle it. Do not edit anything. Reply with JSON only:',
    '{"answer": "...", "confidence": 0.0 to 1.0, "grounds": "where the brief, Direction or history settles it"}.',
    'confidence is how sure you are that the person would answer the same; under 0.8 the question goes to the person, so be honest.',
    '',
    '## Question',
    '',
    question.question,
    ...(question.options.length > 0 ? ['', '## Options', '', ...question.options.map((option) => `- ${option}`)] : []),
    ...(question.context !== '' ? ['', '## Context from the agent', '', question.context] : []),
    '',
    '## Brief',
    '',
    input.brief.trim() || '(none)',
    '',
    '## Direction (from BOARD.md)',
    '',
    input.direction.trim() || '(none)',
    '',
    '## Recent merges on the integration branch',
    '',
    ...(input.recentMerges.length > 0 ? input.recentMerges.map((subject) => `- ${subject}`) : ['(none)']),
    '',
    '## The task branch so far',
    '',
    diff.trim() === '' ? '(no changes yet)' : `\`\`\`diff\n${diff}\n\`\`\``,
    '',
  ].join('\n');
}

/** The reply read from structured output, the whole text, or a fenced json block; null when none is there. */
export function readAnswererReply(outcome: Pick<TurnOutcome, 'structured' | 'text'>): AnswererReply | null {
  const candidates: unknown[] = [outcome.structured];
  const text = outcome.text.trim();
  const fenced = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text);
  for (const raw of [text, fenced?.[1] ?? '']) {
    try {
      if (raw.trim().startsWith('{')) candidates.push(JSON.parse(raw));
    } catch {
      // not JSON
    }
  }
  for (const candidate of candidates) {
    const value = obj(candidate);
    const answer = str(value?.['answer']);
    const confidence = num(value?.['confidence']);
    if (value === undefined || answer === undefined || confidence === undefined) continue;
    return { answer, confidence: Math.min(1, Math.max(0, confidence)), grounds: str(value['grounds']) ?? '' };
  }
  return null;
}

export interface AnswererRun {
  adapter: AgentAdapter;
  model: string;
  effort: string;
  worktree: string;
  scratchDir: string;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

/** One read-only turn; a failed turn or an unreadable reply is no answer (the person gets the question). */
export async function runAnswerer(input: AnswererInput, run: AnswererRun): Promise<{ reply: AnswererReply | null; problem: string }> {
  const outcome = await run.adapter.runTurn({
    role: 'reviewer',
    prompt: answererPrompt(input),
    worktree: run.worktree,
    model: run.model,
    effort: run.effort,
    timeoutMs: run.timeoutMs,
    signal: run.signal,
    outputSchema: ANSWERER_SCHEMA,
    scratchDir: run.scratchDir,
    env: { ...run.env, CCX_ROLE: 'answerer' },
  });
  if (outcome.kind !== 'ok') return { reply: null, problem: `the answerer's turn ended ${outcome.kind}${outcome.message === '' ? '' : `: ${outcome.message.split('\n')[0]}`}` };
  const reply = readAnswererReply(outcome);
  return reply === null ? { reply: null, problem: 'the answerer did not reply with {answer, confidence, grounds}' } : { reply, problem: '' };
}
