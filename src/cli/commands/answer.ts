import { askFilePath, writeAnswer } from '../../ask/index.js';
import { CcxError, UsageError } from '../../errors.js';
import type { Command } from '../command.js';
import { repoContext } from '../context.js';

export const answer: Command = {
  usage: 'ccx answer <id> "<text>"',
  details: `Answers the question a task's agent asked you (SPEC 15): writes <text> under "## Answer" in
STATE_DIR/asks/<id>.md, as you could in any editor. The daemon (or ccx loop) sees it within a second:
a turn still waiting gets it as the tool's result; otherwise the next turn carries it.`,
  options: {},
  positionals: { min: 2, max: Infinity },
  async run({ positionals, io }) {
    const [id = '', ...words] = positionals;
    if (!/^[TL]-\d+$/.test(id)) throw new UsageError(`${JSON.stringify(id)} is not a task id; ids look like T-7.`);
    const text = words.join(' ').trim();
    if (text === '') throw new UsageError('the answer is empty.', { hint: `Give it as one argument: ccx answer ${id} "use the blue one"` });
    const context = await repoContext(io);
    const path = askFilePath(context.paths.stateDir, id);
    if (!(await writeAnswer(context.paths.stateDir, id, text))) {
      throw new CcxError('TASK_NOT_FOUND', `${id} has no open question (no ${path}).`, { hint: 'It may be answered already: answered questions are in asks/answered/. `ccx status` shows tasks waiting on a question.' });
    }
    io.stdout(`${id}: answer written to ${path}.\n`);
  },
};
