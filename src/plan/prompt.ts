import { cutChars, fenced } from '../loop/prompt/blocks.js';
import { EXAMPLE_ANSWER, MAX_EXCLUDE_GLOBS, MAX_INCLUDE_GLOBS, MAX_PLAN_TASKS } from './schema.js';
import type { PlanWork } from './types.js';

/** The parts of the prompt that come from the repository and the board, each bounded. */
export const MAX_README_CHARS = 4_000;
export const MAX_DIRECTION_CHARS = 4_000;
export const MAX_BOARD_ROWS_CHARS = 8_000;
/** The refused answer quoted back on the retry. */
export const MAX_QUOTED_ANSWER_CHARS = 16_000;
/** Problems quoted back on the retry; the rest are counted. */
export const MAX_QUOTED_PROBLEMS = 30;

export interface PlanPromptInput {
  work: PlanWork;
  /** fileOverview() of the tracked files. */
  overview: string;
  readme: { name: string; text: string } | null;
  /** BOARD.md's Direction, '' when none. */
  direction: string;
  /** The rows already on the board (valid ones), which tasks may depend on. */
  rows: ReadonlyArray<{ id: string; status: string; title: string }>;
  aliases: readonly string[];
  schema: object;
}

export interface RefusedAnswer {
  problems: readonly string[];
  /** The agent's answer as it printed it. */
  text: string;
}

/** The planning prompt (SPEC 9); on the retry, the refused answer and ccx's problems come last. */
export function planPrompt(input: PlanPromptInput, refused?: RefusedAnswer): string {
  const parts = [
    '# ccx plan: slice the work into board tasks',
    [
      'You are planning work for ccx. ccx runs each task on its own: an agent implements it in a git worktree and may change only the files its scope globs match, another agent reviews it, and ccx squash-merges it. Tasks whose scopes overlap never run at the same time.',
      'Read the repository as much as you need: read only, do not edit, create or delete any file. Then answer with the plan as JSON (the last section says how). ccx checks the answer and writes the tasks to BOARD.md as drafts for a person to review.',
    ].join('\n'),
    workSection(input.work),
    guidance(input.aliases),
    `## The repository's tracked files\n\n${fenced(input.overview)}`,
  ];
  if (input.readme !== null) parts.push(`## ${input.readme.name} (its start)\n\n${fenced(cutChars(input.readme.text.trim(), MAX_README_CHARS))}`);
  if (input.direction.trim() !== '') parts.push(`## The board's Direction\n\n${cutChars(input.direction.trim(), MAX_DIRECTION_CHARS)}`);
  parts.push(boardSection(input.rows));
  parts.push(answerSection(input.schema));
  if (refused !== undefined) parts.push(refusedSection(refused));
  return `${parts.join('\n\n')}\n`;
}

function workSection(work: PlanWork): string {
  if (work.kind === 'prompt') return `## The work\n\n${fenced(work.text.trim())}`;
  return `## The work: the design document ${work.path}\n\n${fenced(work.text.trim(), 'markdown')}`;
}

function guidance(aliases: readonly string[]): string {
  return [
    '## How to slice it',
    '',
    `- Slice by outcome: each task is one change a reviewer can judge on its own, which leaves the repository working (tests pass). 1 to ${MAX_PLAN_TASKS} tasks; a small piece of work is one or two.`,
    `- scope.include: 1 to ${MAX_INCLUDE_GLOBS} git pathspec globs, relative to the repository root (glob mode: \`*\` stays inside a folder, \`**\` crosses folders, a folder name covers everything below it). Every glob must match files listed below, or name a new path inside a folder that already has files (such as \`src/cli/new-command.ts\` or \`src/new-module/**\`); never invent folders. Keep scopes narrow, but wide enough for the tests the task needs.`,
    `- scope.exclude: 0 to ${MAX_EXCLUDE_GLOBS} globs of the same kind for paths inside the includes the task must not touch; usually [].`,
    '- depends_on: be conservative. Name a task only when this one cannot start before it is merged (it builds on that code); independent tasks run in parallel. Use the other tasks\' keys, or ids of rows already on the board (T-<n>). No cycles.',
    '- priority: high, normal or low.',
    `- model_start, the rung of the model ladder the task starts on (one of ${aliases.join(', ')}): economy for docs, config, tests or a change to one file; default for normal work; strong for cross-file changes, migrations, concurrency or security; max for architecture.`,
    '- key: your own short name for the task (P1, P2, …), unique in the plan; ccx assigns the real ids.',
    '- title: one line in the imperative. goal: what the task achieves and why. acceptance: checkable statements, one per item. context: the files, functions and decisions the implementer needs. out_of_scope: what this task must leave alone (often another task\'s work). test_plan: the tests to add or run.',
  ].join('\n');
}

function boardSection(rows: PlanPromptInput['rows']): string {
  if (rows.length === 0) return '## The board\n\nThe board has no tasks yet.';
  const lines: string[] = [];
  let used = 0;
  for (const row of rows) {
    const line = `${row.id}  ${row.status}  ${row.title}`;
    if (used + line.length + 1 > MAX_BOARD_ROWS_CHARS) break;
    lines.push(line);
    used += line.length + 1;
  }
  if (lines.length < rows.length) lines.push(`[ccx: ${rows.length - lines.length} more rows are not listed.]`);
  return `## The board's tasks (ids you may name in depends_on)\n\n${fenced(lines.join('\n'))}`;
}

function answerSection(schema: object): string {
  return [
    '## Your answer',
    '',
    'Answer with the JSON object only: no prose around it, no code fence. It must match this JSON Schema:',
    '',
    fenced(JSON.stringify(schema), 'json'),
    '',
    'For example:',
    '',
    fenced(JSON.stringify(EXAMPLE_ANSWER, null, 2), 'json'),
  ].join('\n');
}

function refusedSection(refused: RefusedAnswer): string {
  return [
    '## Your previous answer was refused',
    '',
    `ccx checked your previous answer and found ${refused.problems.length === 1 ? 'this problem' : `these ${refused.problems.length} problems`}:`,
    '',
    ...refused.problems.slice(0, MAX_QUOTED_PROBLEMS).map((problem) => `- ${problem}`),
    ...(refused.problems.length > MAX_QUOTED_PROBLEMS ? [`- … and ${refused.problems.length - MAX_QUOTED_PROBLEMS} more of the same kinds`] : []),
    '',
    'Your previous answer:',
    '',
    fenced(cutChars(refused.text.trim() === '' ? '(nothing)' : refused.text.trim(), MAX_QUOTED_ANSWER_CHARS)),
    '',
    'Answer again with the whole corrected JSON object. This is the last try: ccx gives up on a second refused answer.',
  ].join('\n');
}
