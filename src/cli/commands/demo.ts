import { readEnv } from '../../config/env.js';
import { runDemo } from '../../demo/run-demo.js';
import { serveDemoUi } from '../../demo/serve-ui.js';
import { colorEnabled } from '../../text/color.js';
import type { UiServer } from '../../ui/index.js';
import { booleanOption, type Command } from '../command.js';

export const demo: Command = {
  usage: 'ccx demo [--ui]',
  details: `Copies examples/demo (a small program with its own tests, a board of five tasks and their
briefs) to a temp folder, sets it up with scripted agents that really edit files and really review
them (examples/agents), and runs the daemon until the board is idle, showing what happens. Then it
prints each task's status, review cycles and merge commit, and where the repository and STATE_DIR
are. It never touches your own repositories or data root. Exits 0 only when all five merged.

Options:
  --ui   also serve the dashboard (\`ccx ui\`) over the demo, print its address and open a browser
         where there is a display; it keeps serving after the demo until Ctrl-C`,
  options: { ui: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const env = readEnv(io.env);
    const dashboard: { server: UiServer | null } = { server: null };
    const withUi = booleanOption(values, 'ui');
    const summary = await runDemo(env, {
      print: io.stdout,
      color: colorEnabled(io.env, io.stdoutIsTTY),
      ...(withUi ? { beforeDaemon: async (setup) => void (dashboard.server = await serveDemoUi(setup, env, io.stdout, true)) } : {}),
    }).catch(async (error: unknown) => {
      await dashboard.server?.close();
      throw error;
    });
    io.stdout('\nTask  Status   Exit            Cycles  Commit        Title\n');
    for (const task of summary.tasks) {
      io.stdout(`${task.id.padEnd(5)} ${task.status.padEnd(8)} ${(task.exitStatus ?? '-').padEnd(15)} ${String(task.cycles ?? '-').padEnd(7)} ${(task.commit ?? '-').slice(0, 12).padEnd(13)} ${task.title}\n`);
    }
    io.stdout(`\nRepository: ${summary.setup.repo}   (git -C ${summary.setup.repo} log --oneline)\n`);
    io.stdout(`STATE_DIR:  ${summary.setup.paths.stateDir}   (BOARD.md, STATUS.md, audit.jsonl, runs/)\n`);
    const code = summary.allMerged ? 0 : 1;
    if (summary.allMerged) io.stdout('\nAll five tasks merged.\n');
    else io.stderr('\nThe demo did not merge all five tasks: see STATUS.md and audit.jsonl in the STATE_DIR above.\n');
    if (dashboard.server !== null) await serveUntilStopped(dashboard.server, io.stdout);
    return code;
  },
};

/** After the demo, the dashboard stays up to look around in, until Ctrl-C (or SIGTERM). */
async function serveUntilStopped(dashboard: UiServer, print: (text: string) => void): Promise<void> {
  print(`\nThe dashboard keeps serving at ${dashboard.url}\nPress Ctrl-C to stop it.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await dashboard.close();
}
