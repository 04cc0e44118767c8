import { MAX_TITLE_CHARS } from '../../board/types.js';
import { briefFromRow } from '../../brief/render.js';
import { controlCharacterIn } from '../../text/printable.js';
import { UsageError } from '../../errors.js';
import { addTasks, type TaskDraft } from '../../intake/add-tasks.js';
import { boardStore } from '../board-access.js';
import { booleanOption, listOption, type Command } from '../command.js';
import { initialisedContext } from '../context.js';
import { gitPathspecValidator } from '../pathspec-validator.js';
import { inboxPaths } from '../../config/paths.js';

export const add: Command = {
  usage: 'ccx add <title> [--scope GLOB]... [--draft]',
  details: `Appends a row to BOARD.md (status pending, or draft with --draft) and writes its brief
tasks/T-<n>.md from the title. The new id is one more than the highest id ever used, so ids are
never reused. Prints the id on stdout.

Options:
  --scope GLOB   a git pathspec the task may change (repeat for more; none: the whole repository)
  --draft        add it as draft: the daemon leaves it alone until you flip it to pending`,
  options: { scope: { type: 'string', multiple: true }, draft: { type: 'boolean' } },
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
    const context = await initialisedContext(io);
    const verdicts = await gitPathspecValidator(context.repo)(scope);
    for (const [glob, complaint] of verdicts) {
      if (complaint !== null) throw new UsageError(`git rejects --scope ${JSON.stringify(glob)}: ${complaint}`, { hint: 'Scope entries are git pathspecs relative to the repository root, such as src/** or docs/.' });
    }
    const draft: TaskDraft = {
      title,
      status: booleanOption(values, 'draft') ? 'draft' : 'pending',
      scope: { include: scope, exclude: [] },
      brief: (id) => briefFromRow({ id, title, scope: { include: scope, exclude: [] }, dependsOn: [], notes: null }),
    };
    const [id] = await addTasks({ store: boardStore(context), paths: context.paths, acceptedFolder: inboxPaths(context.repo.root).accepted }, [draft]);
    io.stdout(`${id}\n`);
  },
};
