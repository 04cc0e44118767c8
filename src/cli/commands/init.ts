import { readEnv } from '../../config/env.js';
import { openRepo } from '../../git/repo.js';
import { initRepository } from '../../setup/init-repo.js';
import { stringOption, type Command } from '../command.js';

export const init: Command = {
  usage: 'ccx init [--integration BRANCH]',
  details: `Creates the STATE_DIR (outside the repository) with BOARD.md, config.yaml and the folders
ccx uses, the inbox <repo>/.ccx/inbox/, and adds .ccx/ to .git/info/exclude. Prints the STATE_DIR
on stdout (what it did goes to stderr). Run again, it changes nothing and says so.

Options:
  --integration BRANCH   the branch merges land on (default: the branch checked out now)`,
  options: { integration: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const repo = await openRepo(io.cwd);
    const integration = stringOption(values, 'integration');
    const result = await initRepository(repo, readEnv(io.env), integration === undefined ? {} : { integration });
    if (result.created.length === 0) io.stderr(`ccx is already set up for ${repo.root}; nothing changed.\n`);
    for (const line of result.created) io.stderr(`${line}\n`);
    for (const note of result.notes) io.stderr(`note: ${note}\n`);
    if (result.created.length > 0) io.stderr('Next: add tasks with `ccx add "<title>"` or by editing BOARD.md (`ccx board`), then run `ccx daemon`.\n');
    io.stdout(`${result.stateDir}\n`);
  },
};
