import { PRIORITIES, type Priority } from '../board/types.js';
import { controlCharacterIn } from '../text/printable.js';
import { isRecord, kindOf, strings } from './read-json.js';
import { MAX_KEY_CHARS, MAX_PLAN_TASKS, MAX_TITLE_CHARS, TASK_FIELDS } from './schema.js';
import { readScope } from './scope-shape.js';
import type { PlannedTask } from './types.js';

export interface ShapeRules {
  /** The ladder's active aliases: model_start must be one of them. */
  aliases: readonly string[];
}

/** The tasks that read well (checked further by the callers) and every problem found. */
/** A task's place in the answer, its key and its depends_on. */
export interface TaskLinks {
  index: number;
  key: string;
  dependsOn: string[];
}

export interface ShapeCheck {
  tasks: PlannedTask[];
  /** Every task's key and depends_on as far as they read, also of tasks with other problems. */
  links: TaskLinks[];
  problems: string[];
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const BOARD_ID = /^T-\d+$/;

/** Checks the answer's JSON against SPEC 9's schema and ccx's bounds, field by field. */
export function checkShape(answer: unknown, rules: ShapeRules): ShapeCheck {
  const problems: string[] = [];
  if (!isRecord(answer)) return { tasks: [], links: [], problems: [`the answer must be a JSON object {"tasks": [...]}, but it is ${kindOf(answer)}`] };
  for (const key of Object.keys(answer)) if (key !== 'tasks') problems.push(`the answer has a field ${JSON.stringify(key)}; it takes only "tasks"`);
  const list = answer['tasks'];
  if (!Array.isArray(list)) return { tasks: [], links: [], problems: [...problems, `"tasks" must be an array of tasks, but it is ${kindOf(list)}`] };
  if (list.length === 0) problems.push(`"tasks" is empty; a plan has 1 to ${MAX_PLAN_TASKS} tasks`);
  if (list.length > MAX_PLAN_TASKS) problems.push(`"tasks" has ${list.length} tasks; a plan has at most ${MAX_PLAN_TASKS}: merge small tasks, or plan part of the work now and the rest later`);
  const tasks: PlannedTask[] = [];
  const seen = new Map<string, number>();
  list.forEach((raw, index) => {
    const task = readTask(raw, `tasks[${index}]`, rules, problems);
    if (task === null) return;
    const earlier = seen.get(task.key);
    if (earlier !== undefined) problems.push(`tasks[${index}].key ${JSON.stringify(task.key)} is also the key of tasks[${earlier}]; keys must be unique`);
    else seen.set(task.key, index);
    tasks.push(task);
  });
  return { tasks, links: linksOf(list), problems };
}

/** Keys and depends_on of every task that has a string key, so depends_on is checked even on a task with other problems. */
function linksOf(list: readonly unknown[]): TaskLinks[] {
  return list.flatMap((raw, index) => {
    if (!isRecord(raw) || typeof raw['key'] !== 'string') return [];
    const dependsOn = raw['depends_on'];
    return [{ index, key: raw['key'], dependsOn: Array.isArray(dependsOn) ? dependsOn.filter((name): name is string => typeof name === 'string') : [] }];
  });
}

function readTask(raw: unknown, where: string, rules: ShapeRules, problems: string[]): PlannedTask | null {
  if (!isRecord(raw)) {
    problems.push(`${where} must be an object with ${TASK_FIELDS.join(', ')}, but it is ${kindOf(raw)}`);
    return null;
  }
  const before = problems.length;
  const at = labelOf(raw, where);
  const fail = (message: string) => problems.push(`${at}${message}`);
  for (const key of Object.keys(raw)) if (!(TASK_FIELDS as readonly string[]).includes(key)) fail(` has a field ${JSON.stringify(key)}; a task takes ${TASK_FIELDS.join(', ')}`);
  for (const key of TASK_FIELDS) if (!(key in raw)) fail(` has no ${JSON.stringify(key)}`);
  const key = raw['key'];
  if (typeof key !== 'string' || !KEY_PATTERN.test(key) || key.length > MAX_KEY_CHARS) {
    fail(`.key must be a short name of letters, digits, "_", "." or "-" (such as "P1"), but it is ${JSON.stringify(key ?? null)}`);
  } else if (BOARD_ID.test(key)) {
    fail(`.key ${JSON.stringify(key)} looks like a board id; ccx assigns the ids, so name tasks P1, P2, …`);
  }
  const title = text(raw, 'title', fail, true);
  if (title !== null && /[\r\n]/.test(title.trim())) fail('.title must be one line');
  const control = title === null ? null : controlCharacterIn(title.trim());
  if (control !== null && !/[\r\n]/.test(title?.trim() ?? '')) fail(`.title holds the control character ${control.escaped}; a title is printable text only`);
  if (title !== null && title.trim().length > MAX_TITLE_CHARS) fail(`.title has ${title.trim().length} characters; keep it under ${MAX_TITLE_CHARS}`);
  const scope = readScope(raw['scope'], fail);
  const dependsOn = strings(raw['depends_on'], '.depends_on', fail);
  const priority = raw['priority'];
  if (!(PRIORITIES as readonly unknown[]).includes(priority)) fail(`.priority must be one of ${PRIORITIES.join(', ')}, but it is ${JSON.stringify(priority ?? null)}`);
  const modelStart = raw['model_start'];
  if (typeof modelStart !== 'string' || !rules.aliases.includes(modelStart)) {
    fail(`.model_start must be a rung of the model ladder (${rules.aliases.join(', ')}), but it is ${JSON.stringify(modelStart ?? null)}`);
  }
  const goal = text(raw, 'goal', fail, true);
  const acceptance = strings(raw['acceptance'], '.acceptance', fail);
  const [context, outOfScope, testPlan] = [text(raw, 'context', fail, false), text(raw, 'out_of_scope', fail, false), text(raw, 'test_plan', fail, false)];
  if (problems.length > before || scope === null || dependsOn === null || acceptance === null) return null;
  return {
    key: key as string, title: (title as string).trim(), scope, dependsOn: [...new Set(dependsOn)], priority: priority as Priority, modelStart: modelStart as string,
    goal: (goal as string).trim(), acceptance: acceptance.map((item) => item.replace(/\s*\n\s*/g, ' ').trim()).filter((item) => item !== ''),
    context: (context as string).trim(), outOfScope: (outOfScope as string).trim(), testPlan: (testPlan as string).trim(),
  };
}

function text(raw: Record<string, unknown>, key: string, fail: (message: string) => void, required: boolean): string | null {
  const value = raw[key];
  if (typeof value !== 'string') {
    if (key in raw) fail(`.${key} must be a string, but it is ${kindOf(value)}`);
    return null;
  }
  if (required && value.trim() === '') fail(`.${key} is empty`);
  return value;
}

/** `tasks[2] ("P3")`, so the agent finds the task it wrote. */
function labelOf(raw: Record<string, unknown>, where: string): string {
  return typeof raw['key'] === 'string' && raw['key'] !== '' ? `${where} (${JSON.stringify(raw['key'])})` : where;
}
