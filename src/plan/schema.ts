import { PRIORITIES } from '../board/types.js';

/** SPEC 9's bounds on a plan; ccx checks them itself (the schema carries no numeric bounds). */
export const MAX_PLAN_TASKS = 25;
export const MIN_INCLUDE_GLOBS = 1;
export const MAX_INCLUDE_GLOBS = 5;
export const MAX_EXCLUDE_GLOBS = 5;
export const MAX_TITLE_CHARS = 120;
export const MAX_KEY_CHARS = 40;

/** The fields of one planned task, in the order the schema and the prompt list them. */
export const TASK_FIELDS = ['key', 'title', 'scope', 'depends_on', 'priority', 'model_start', 'goal', 'acceptance', 'context', 'out_of_scope', 'test_plan'] as const;

/**
 * The answer schema of SPEC 9 in OpenAI's strict form (codex --output-schema; claude --json-schema
 * takes it too): every property required, additionalProperties false, no numeric bounds.
 * model_start is limited to the active ladder's aliases.
 */
export function planSchema(aliases: readonly string[]): object {
  const text = { type: 'string' };
  const texts = { type: 'array', items: text };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['tasks'],
    properties: {
      tasks: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: [...TASK_FIELDS],
          properties: {
            key: text,
            title: text,
            scope: { type: 'object', additionalProperties: false, required: ['include', 'exclude'], properties: { include: texts, exclude: texts } },
            depends_on: texts,
            priority: { type: 'string', enum: [...PRIORITIES] },
            model_start: { type: 'string', enum: [...aliases] },
            goal: text,
            acceptance: texts,
            context: text,
            out_of_scope: text,
            test_plan: text,
          },
        },
      },
    },
  };
}

/** SPEC 9's example answer, shown in the prompt. */
export const EXAMPLE_ANSWER = {
  tasks: [
    {
      key: 'P1',
      title: 'Add the parser for the new config section',
      scope: { include: ['src/config/**'], exclude: [] },
      depends_on: [],
      priority: 'normal',
      model_start: 'default',
      goal: 'What the task achieves and why, in a paragraph.',
      acceptance: ['A checkable statement.', 'Another one.'],
      context: 'Files, functions and decisions the implementer needs to know.',
      out_of_scope: 'What this task must not do (another task does it).',
      test_plan: 'The tests to add or run.',
    },
  ],
};
