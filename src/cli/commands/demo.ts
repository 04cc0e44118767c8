import { readEnv } from '../../config/env.js';
import { dataRoot } from '../../config/paths.js';
import { runDemo } from '../../demo/run-demo.js';
import { colorEnabled } from '../../text/color.js';
import type { UiServer } from '../../ui/index.js';
import { booleanOption, type Command } from '../command.js';
import { startDashboard, untilStopped } from '../dashboard.js';

/** With --ui: how long the browser gets to load the page before the daemon starts (so it sees every task move). */
const UI_HEAD_START_MS = 3_000;

export const demo: Command = {
  usage: 'ccx demo [--ui]',
  details: `Copies examples/demo (a small program with its own tests, a board of five tasks and their
briefs) to a temp folder, sets it up with scripted agents that really edit files and really review
them (examples/agents), and runs the daemon until the board is idle, showing what happens. Then it
prints each task's status, review cycles and merge commit, and where the repository and STATE_DIR
are. It never touches your own repositories or data root. Exits 0 only when all five merged.

Options:
  --ui   also serve the dashboard (\`ccx ui\`) on the demo's data root, on a free port, and open it
         in the browser; it keeps serving after the demo until Ctrl-C`,
  options: { ui: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    let dashboard: UiServer | null = null;
    const summary = await runDemo(readEnv(io.env), {
      print: io.stdout,
      color: colorEnabled(io.env, io.stdoutIsTTY),
      ...(booleanOption(values, 'ui') ? {
        beforeStart: async (setup) => {
          dashboard = await startDashboard(io, setup.env, dataRoot(setup.env), { port: 0, open: true });
          await new Promise((resolve) => setTimeout(resolve, UI_HEAD_START_MS));
        },
      } : {}),
    }).catch(async (error: unknown) => {
      await (dashboard as UiServer | null)?.close();
      throw error;
    });
    io.stdout('\nTask  Status   Exit            Cycles  Commit        Title\n');
    for (const task of summary.tasks) {
      io.stdout(`${task.id.padEnd(5)} ${task.status.padEnd(8)} ${(task.exitStatus ?? '-').padEnd(15)} ${String(task.cycles ?? '-').padEnd(7)} ${(task.commit ?? '-').slice(0, 12).padEnd(13)} ${task.title}\n`);
    }
    io.stdout(`\nRepository: ${summary.setup.repo}   (git -C ${summary.setup.repo} log --oneline)\n`);
    io.stdout(`STATE_DIR:  ${summary.setup.paths.stateDir}   (BOARD.md, STATUS.md, audit.jsonl, runs/)\n`);
    if (summary.allMerged) io.stdout('\nAll five tasks merged.\n');
    else io.stderr('\nThe demo did not merge all five tasks: see STATUS.md and audit.jsonl in the STATE_DIR above.\n');
    const served = dashboard as UiServer | null;
    if (served !== null) {
      io.stdout(`\nThe dashboard keeps serving at ${served.url} (Ctrl-C stops it).\n`);
      await untilStopped();
      await served.close();
    }
    return summary.allMerged ? 0 : 1;
  },
};
