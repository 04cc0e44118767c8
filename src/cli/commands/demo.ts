import { readEnv } from '../../config/env.js';
import { runDemo } from '../../demo/run-demo.js';
import type { Command } from '../command.js';
import { colorEnabled } from '../../text/color.js';

export const demo: Command = {
  usage: 'ccx demo',
  details: `Copies examples/demo (a small program with its own tests, a board of five tasks and their
briefs) to a temp folder, sets it up with scripted agents that really edit files and really review
them (examples/agents), and runs the daemon until the board is idle, showing what happens. Then it
prints each task's status, review cycles and merge commit, and where the repository and STATE_DIR
are. It never touches your own repositories or data root. Exits 0 only when all five merged.`,
  options: {},
  positionals: { min: 0, max: 0 },
  async run({ io }) {
    const summary = await runDemo(readEnv(io.env), { print: io.stdout, color: colorEnabled(io.env, io.stdoutIsTTY) });
    io.stdout('\nTask  Status   Exit            Cycles  Commit        Title\n');
    for (const task of summary.tasks) {
      io.stdout(`${task.id.padEnd(5)} ${task.status.padEnd(8)} ${(task.exitStatus ?? '-').padEnd(15)} ${String(task.cycles ?? '-').padEnd(7)} ${(task.commit ?? '-').slice(0, 12).padEnd(13)} ${task.title}\n`);
    }
    io.stdout(`\nRepository: ${summary.setup.repo}   (git -C ${summary.setup.repo} log --oneline)\n`);
    io.stdout(`STATE_DIR:  ${summary.setup.paths.stateDir}   (BOARD.md, STATUS.md, audit.jsonl, runs/)\n`);
    if (summary.allMerged) {
      io.stdout('\nAll five tasks merged.\n');
      return 0;
    }
    io.stderr('\nThe demo did not merge all five tasks: see STATUS.md and audit.jsonl in the STATE_DIR above.\n');
    return 1;
  },
};
