import type { Question } from './types.js';

/** The bounds on what an agent may ask: a question is for a person to read, not a document. */
export const MAX_QUESTION_CHARS = 4000;
export const MAX_CONTEXT_CHARS = 8000;
export const MAX_OPTIONS = 10;

/** ask_person's arguments (or a command agent's JSON), checked and bounded; throws on a missing question. */
export function normaliseQuestion(value: unknown): Question {
  const input = (typeof value === 'object' && value !== null ? value : {}) as { question?: unknown; options?: unknown; context?: unknown };
  if (typeof input.question !== 'string' || input.question.trim() === '') throw new Error('ask_person needs a non-empty "question" string');
  const options = Array.isArray(input.options) ? input.options.filter((option): option is string => typeof option === 'string' && option.trim() !== '').slice(0, MAX_OPTIONS) : [];
  return {
    question: input.question.trim().slice(0, MAX_QUESTION_CHARS),
    options: options.map((option) => option.trim().slice(0, 200)),
    context: typeof input.context === 'string' ? input.context.trim().slice(0, MAX_CONTEXT_CHARS) : '',
  };
}

/** The question and its answer as the next turn's prompt carries them. */
export function answeredBlock(items: ReadonlyArray<Question & { answer: string; by: string }>): string {
  if (items.length === 0) return '';
  const parts = items.map((item) => [
    `Question: ${item.question}`,
    ...(item.options.length > 0 ? [`Options: ${item.options.join(' | ')}`] : []),
    `Answer (${item.by === 'auto' ? 'ccx, from the brief and the history' : 'the person'}): ${item.answer}`,
  ].join('\n'));
  return `## Your question, answered\n\nYou asked during an earlier turn of this task; here is the answer. Go on from where the work stands, following it.\n\n${parts.join('\n\n')}\n`;
}
