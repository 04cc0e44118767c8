import type { Command } from '../command.js';
import { FILTER_OPTIONS, foregroundOptions } from '../foreground/options.js';
import { runForeground } from '../foreground/run.js';

export const loop: Command = {
  usage: 'ccx loop [--loops N] [--min-severity L] [--min-confidence N] [--commit] [--duet] [--codex-first] [--conductor] "<task>"',
  details: `<task> is a free-text description (quote it). ccx gives it an id L-<n> and a worktree under the
repository's STATE_DIR (branch ccx/L-<n> from the branch you are on), then the implementer works and
the reviewer reviews, up to N cycles, stopping at the first approval. It uses config.yaml (agents,
test) when the repository is initialised, else Claude implements, Codex reviews and no test runs.
Progress goes to stderr, the report to stdout. On a usage limit it waits for the reset and says until
when. Ctrl-C stops the running turn and keeps the branch.

Options:
  --loops N             review cycles (default 2)
  --min-severity L      skip findings below critical, high, medium or low (default low)
  --min-confidence N    skip findings whose confidence is below N, 0 to 1 (default 0)
  --commit              squash-merge into the current branch when the loop ends clean (approved or
                        filtered-clean, tests passing, nothing unresolved); one resolve turn on a conflict
  --duet                the two agents take turns implementing and reviewing each other (needs --loops 2+)
  --codex-first         swap the roles: the configured reviewer implements
  --conductor           a fresh agent session every turn

Exit codes: 0 clean (and merged with --commit), 1 not clean or not merged (the report says how to
inspect and land the branch), 2 usage error.`,
  options: { loops: { type: 'string' }, duet: { type: 'boolean' }, conductor: { type: 'boolean' }, ...FILTER_OPTIONS },
  positionals: { min: 1, max: 1 },
  run: ({ values, positionals, io }) => runForeground(io, foregroundOptions('loop', values, positionals)),
};
