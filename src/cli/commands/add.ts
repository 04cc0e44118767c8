import { MAX_LOOPS, MAX_TITLE_CHARS, MODES, PRIORITIES, TASK_ID_PATTERN, type LoopMode, type Priority } from '../../board/index.js';
import { briefFromRow } from '../../brief/render.js';
import { controlCharacterIn } from '../../text/printable.js';
import { UsageError } from '../../errors.js';
import { addTasks, type TaskDraft } from '../../intake/add-tasks.js';
import { boardStore } from '../board-access.js';
import { booleanOption, listOption, stringOption, type Command } from '../command.js';
import { initialisedContext } from '../context.js';
import { gitPathspecValidator } from '../../git/scope/validate.js';
import { inboxPaths } from '../../config/paths.js';

export const add: Command = {
  usage: 'ccx add <title> [--scope GLOB]... [--draft] [--notes TEXT] [--priority P] [--depends-on T-n]... [--mode M] [--loops N]',
  details: `Appends a row to BOARD.md (status pending, or draft with --draft) and writes its brief
tasks/T-<n>.md from the title and notes. The new id is one more than the highest id ever used, so
ids are never reused. Prints the id on stdout.

Options:
  --scope GLOB       a git pathspec the task may change (repeat for more; none: the whole repository)
  --draft            add it as draft: the daemon leaves it alone until you flip it to pending
  --notes TEXT       what the agents should know (the row's notes, and the brief's goal)
  --priority P       ${PRIORITIES.join(' | ')} (default normal)
  --depends-on T-n   a task on the board that must be merged first (repeat, or separate with commas)
  --mode M           ${MODES.join(' | ')} (default loop)
  --loops N          review cycles for mode loop or duet, 1 to ${MAX_LOOPS} (default 2)`,
  options: {
    scope: { type: 'string', multiple: true },
    draft: { type: 'boolean' },
    notes: { type: 'string' },
    priority: { type: 'string' },
    'depends-on': { type: 'string', multiple: true },
    mode: { type: 'string' },
    loops: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals, io }) {
    const title = (positionals[0] ?? '').trim();
    if (title === '' || /[\r\n]/.test(title)) throw new UsageError('the title must be one non-empty line.', { hint: 'Usage: ccx add "<title>"' });
    const control = controlCharacterIn(title);
    if (control !== null) throw new UsageError(`the title holds the control character ${control.escaped} at character ${control.index + 1}; a title is printable text only.`);
    if (title.length > MAX_TITLE_CHARS) throw new UsageError(`the title is ${title.length} characters long; a title is at most ${MAX_TITLE_CHARS} (put the rest in the brief).`);
    const scope = listOption(values, 'scope');
    for (const glob of scope) {
      if (glob.trim() === '' || /[\0\r\n]/.test(glob)) throw new UsageError(`--scope ${JSON.stringify(glob)} is not a pathspec: it must be one non-empty line.`);
    }
    const notes = stringOption(values, 'notes');
    const priority = oneOf(stringOption(values, 'priority'), PRIORITIES, '--priority') as Priority | undefined;
    const mode = oneOf(stringOption(values, 'mode'), MODES, '--mode') as LoopMode | undefined;
    const loops = loopCount(stringOption(values, 'loops'));
    const dependsOn = listOption(values, 'depends-on').flatMap((entry) => entry.split(',')).map((id) => id.trim()).filter((id) => id !== '');
    for (const id of dependsOn) if (!TASK_ID_PATTERN.test(id)) throw new UsageError(`--depends-on ${JSON.stringify(id)} is not a task id such as T-7.`);
    const context = await initialisedContext(io);
    const verdicts = await gitPathspecValidator(context.repo)(scope);
    for (const [glob, complaint] of verdicts) {
      if (complaint !== null) throw new UsageError(`git rejects --scope ${JSON.stringify(glob)}: ${complaint}`, { hint: 'Scope entries are git pathspecs relative to the repository root, such as src/** or docs/.' });
    }
    const store = boardStore(context);
    if (dependsOn.length > 0) {
      const { board } = await store.update(() => null);
      const missing = dependsOn.filter((id) => !board.rows.some((row) => row.id === id));
      if (missing.length > 0) throw new UsageError(`--depends-on ${missing.join(', ')}: no such task on the board.`, { hint: 'Name tasks that are on BOARD.md (`ccx tasks` lists them).' });
    }
    const draft: TaskDraft = {
      title,
      status: booleanOption(values, 'draft') ? 'draft' : 'pending',
      scope: { include: scope, exclude: [] },
      ...(priority === undefined ? {} : { priority }),
      ...(mode === undefined ? {} : { mode }),
      ...(dependsOn.length === 0 ? {} : { dependsOn }),
      ...(notes === undefined || notes.trim() === '' ? {} : { notes: notes.endsWith('\n') ? notes : `${notes}\n` }),
      ...(loops === undefined ? {} : { fields: { loops } }),
      brief: (id) => briefFromRow({ id, title, scope: { include: scope, exclude: [] }, dependsOn, notes: notes ?? null }),
    };
    const [id] = await addTasks({ store, paths: context.paths, acceptedFolder: inboxPaths(context.repo.root).accepted }, [draft]);
    io.stdout(`${id}\n`);
  },
};

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): string | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, but it is ${JSON.stringify(value)}.`);
}

function loopCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const loops = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(loops) || loops < 1 || loops > MAX_LOOPS) throw new UsageError(`--loops must be a whole number from 1 to ${MAX_LOOPS}, but it is ${JSON.stringify(value)}.`);
  return loops;
}
