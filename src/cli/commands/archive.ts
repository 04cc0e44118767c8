import { relative } from 'node:path';
import { archiveRows } from '../../archive/archive.js';
import { UsageError } from '../../errors.js';
import { boardStore } from '../board-access.js';
import { stringOption, type Command } from '../command.js';
import { initialisedContext } from '../context.js';

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const archive: Command = {
  usage: 'ccx archive [--older-than D]',
  details: `Moves merged and cancelled rows off BOARD.md into STATE_DIR/archive/BOARD-<yyyy-mm>.md (the
month the task finished), each row byte for byte. Their ids stay reserved, their briefs stay where
they are, and \`ccx tasks --all\` still lists them. The archive file is written first, then the rows
are cut out of BOARD.md by the same compare-and-swap as every board write, so a save of yours at
any moment is kept; a row you changed meanwhile stays on the board until the next run. Prints what
moved.

Options:
  --older-than D   only rows that finished at least D ago: a number and m, h, d or w (14d, 2w, 36h)`,
  options: { 'older-than': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const olderThan = stringOption(values, 'older-than');
    const now = new Date();
    const cutoff = olderThan === undefined ? null : new Date(now.getTime() - duration(olderThan));
    const context = await initialisedContext(io);
    const result = await archiveRows(boardStore(context), context.paths.archive, { cutoff, now });
    let count = 0;
    for (const [file, ids] of result.moved) {
      count += ids.length;
      io.stdout(`archived ${ids.join(', ')} to ${relative(context.paths.stateDir, file)}\n`);
    }
    if (count === 0) io.stdout(`Nothing to archive: no merged or cancelled row${cutoff === null ? '' : ` finished before ${cutoff.toISOString()}`}.\n`);
    const one = (ids: readonly string[]) => ids.length === 1;
    if (result.changed.length > 0) io.stderr(`${result.changed.join(', ')} changed on the board while being archived, so ${one(result.changed) ? 'it stays' : 'they stay'} there; run \`ccx archive\` again.\n`);
    if (result.flow.length > 0) io.stderr(`${result.flow.join(', ')} ${one(result.flow) ? 'is' : 'are'} written in flow style ({id: …}), which ccx archive does not cut; write ${one(result.flow) ? 'it as a block row' : 'them as block rows'} (- id: …) to archive ${one(result.flow) ? 'it' : 'them'}.\n`);
    return 0;
  },
};

function duration(text: string): number {
  const match = /^(\d+)\s*([mhdw])$/.exec(text.trim());
  const unit = match === null ? undefined : UNITS[match[2] ?? ''];
  if (match === null || unit === undefined) throw new UsageError(`--older-than ${JSON.stringify(text)} is not a duration.`, { hint: 'Give a number and a unit: 30m, 36h, 14d or 2w.' });
  return Number(match[1]) * unit;
}
