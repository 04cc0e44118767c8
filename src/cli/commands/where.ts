import type { Command } from '../command.js';
import { repoContext } from '../context.js';

export const where: Command = {
  usage: 'ccx where',
  details: 'Prints the folder that holds BOARD.md, config.yaml, briefs, runs and the audit log for the\nrepository you are in. It works before `ccx init` too, and changes nothing (but for moving, once, a\nSTATE_DIR that an older ccx named differently to the name ccx-loop gives it).',
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io }) {
    const context = await repoContext(io, { readOnly: true });
    io.stdout(`${context.paths.stateDir}\n`);
  },
};
