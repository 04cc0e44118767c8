import type { TurnOutcome } from '../agents/index.js';

export type ReadAnswer = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * The plan JSON of an answer: the structured output when the CLI gave one (codex -o, claude
 * structured_output, a command's JSON stdout), else the text, which may wrap the object in a code
 * fence or a sentence. Nothing here checks the plan itself.
 */
export function readAnswer(outcome: Pick<TurnOutcome, 'structured' | 'text'>): ReadAnswer {
  if (typeof outcome.structured === 'object' && outcome.structured !== null) return { ok: true, value: outcome.structured };
  const text = outcome.text.trim();
  if (text === '') return { ok: false, problem: 'the answer was empty; it must be the plan as one JSON object {"tasks": [...]}' };
  const fence = /^```[a-z]*[ \t]*\n([\s\S]*?)\n```$/i.exec(text);
  const body = fence?.[1] ?? text;
  const start = body.indexOf('{');
  if (start < 0) return { ok: false, problem: `the answer is not JSON: it holds no object {"tasks": [...]}; it starts with ${preview(text)}` };
  const end = body.lastIndexOf('}');
  try {
    return { ok: true, value: JSON.parse(end > start ? body.slice(start, end + 1) : body.slice(start)) as unknown };
  } catch (error) {
    return { ok: false, problem: `the answer is not valid JSON (${(error as Error).message}); it starts with ${preview(text)}` };
  }
}

function preview(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return JSON.stringify(first.length > 80 ? `${first.slice(0, 80)}…` : first);
}
