import { readEnv } from '../../config/env.js';
import { inboxPaths } from '../../config/paths.js';
import { ingestInbox } from '../../inbox/ingest.js';
import { printable } from '../../text/printable.js';
import { boardStore } from '../board-access.js';
import type { Command } from '../command.js';
import { initialisedContext } from '../context.js';

export const inbox: Command = {
  usage: 'ccx inbox',
  details: `Does once what the daemon does for each file dropped into <repo>/.ccx/inbox/: a valid
submission becomes a row and a brief and moves to accepted/T-<n>-<name>; an invalid one moves to
rejected/<name> beside <name>.error.txt saying why. Nothing is deleted. Exits 1 when a file had
to be left for later (the board cannot take rows now).`,
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io }) {
    const context = await initialisedContext(io);
    const env = readEnv(io.env);
    const outcomes = await ingestInbox({
      store: boardStore(context),
      paths: context.paths,
      inbox: inboxPaths(context.repo.root),
      acceptedFolder: inboxPaths(context.repo.root).accepted,
      maxQueueDepth: env.maxQueueDepth,
      repo: context.repo,
    });
    if (outcomes.length === 0) io.stderr(`The inbox ${inboxPaths(context.repo.root).inbox} is empty.\n`);
    for (const outcome of outcomes) {
      // File names and reasons quote what a submission holds: never let them drive the terminal.
      const name = printable(outcome.name);
      switch (outcome.status) {
        case 'accepted':
          io.stdout(`accepted ${name} as ${outcome.id}\n`);
          break;
        case 'rejected':
          io.stdout(`rejected ${name}: ${printable(outcome.reason)}\n  (moved to ${printable(outcome.movedTo)}; see ${printable(outcome.movedTo)}.error.txt)\n`);
          break;
        case 'deferred':
          io.stdout(`left ${name} for later: ${printable(outcome.reason)}\n`);
          break;
        case 'ignored':
          io.stdout(`ignored ${name}: ${printable(outcome.reason)}\n`);
          break;
      }
    }
    return outcomes.some((outcome) => outcome.status === 'deferred') ? 1 : 0;
  },
};
