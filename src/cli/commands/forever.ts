import type { Command } from '../command.js';
import { FILTER_OPTIONS, foregroundOptions } from '../foreground/options.js';
import { runForeground } from '../foreground/run.js';

export const forever: Command = {
  usage: 'ccx forever [--max-cycles N] [--min-severity L] [--min-confidence N] [--commit] [--codex-first] "<task>"',
  details: `Like \`ccx loop\`, but the cycles go on until the reviewer approves, up to --max-cycles. The same
finding in 3 reviews in a row ends it as stuck, so it never spins on a loop that cannot converge.
A review that leaves nothing at or above the filter but does not approve ends it
filtered-unapproved: not clean, never merged (ccx loop calls that filtered-clean and lands it).

Options:
  --max-cycles N        the cap (default 100)
  --min-severity L      skip findings below critical, high, medium or low (default low)
  --min-confidence N    skip findings whose confidence is below N, 0 to 1 (default 0)
  --commit              squash-merge into the current branch when it ends clean
  --codex-first         swap the roles: the configured reviewer implements

Exit codes: 0 clean (and merged with --commit), 1 not clean or not merged, 2 usage error.`,
  options: { 'max-cycles': { type: 'string' }, ...FILTER_OPTIONS },
  positionals: { min: 1, max: 1 },
  run: ({ values, positionals, io }) => runForeground(io, foregroundOptions('forever', values, positionals)),
};
