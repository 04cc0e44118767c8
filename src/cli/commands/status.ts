import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEnv } from '../../config/env.js';
import { dataRoot } from '../../config/paths.js';
import { runningDaemon } from '../../daemon/lock/daemon-lock.js';
import type { StatusReport } from '../../status/collect.js';
import { collectStatus } from '../../status/report.js';
import { UsageError } from '../../errors.js';
import { booleanOption, stringOption, type Command } from '../command.js';
import { DEFAULT_WATCH_INTERVAL_S, watchFrames, watchInterval } from '../status-watch.js';
import { colorEnabled, painter, type Tone } from '../../text/color.js';
import { printable } from '../../text/printable.js';

const STATUS_TONES: Record<string, Tone> = { merged: 'green', running: 'yellow', failed: 'red', blocked: 'red', cancelled: 'dim', draft: 'dim' };

export const status: Command = {
  usage: 'ccx status [--json] [--watch [--interval S]]',
  details: `Shows whether the daemon runs, and for every repository initialised under the data root: its
tasks (with phase and cycle for running ones, \`waiting: <reason>\` for a merge or transition
that waits, read from the run journals even when no daemon runs, and why each pending one waits
when the daemon runs), paused agents, and every board problem with its line:column. It reads
files only.

Options:
  --json   {"daemon": {"running", "pid"}, "repos": [{"repo", "state_dir", "board": {"valid",
           "problems"}, "config": {"valid", "problems": [{"path", "line", "column", "message"}]},
           "paused_until", "tasks"}]}
  --watch  redraw the status every second until Ctrl-C (on a terminal the screen is cleared
           first; elsewhere frames are separated by a line; with --json one object a line)
  --interval S  seconds between redraws with --watch (default ${DEFAULT_WATCH_INTERVAL_S})`,
  options: { json: { type: 'boolean' }, watch: { type: 'boolean' }, interval: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, positionals, io }) {
    const interval = watchInterval(stringOption(values, 'interval'));
    if (stringOption(values, 'interval') !== undefined && !booleanOption(values, 'watch')) throw new UsageError('--interval sets the pace of --watch, which is not given.', { hint: 'Run `ccx status --watch --interval S`.' });
    if (booleanOption(values, 'watch')) return watchFrames(io, interval, booleanOption(values, 'json'), (frameIo) => status.run({ values: { ...values, watch: false, interval: undefined }, positionals, io: frameIo }));
    const paint = painter(colorEnabled(io.env, io.stdoutIsTTY));
    const root = dataRoot(readEnv(io.env));
    const daemon = await runningDaemon(root);
    const report: StatusReport = await collectStatus(root, daemon);
    if (booleanOption(values, 'json')) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    io.stdout(daemon === null ? `The daemon is not running (start it with \`ccx daemon\` or \`ccx service install\`).\n` : `The daemon runs (pid ${daemon.pid}, since ${daemon.startedAt}).\n`);
    if (report.repos.length === 0) io.stdout(`No repository is set up under ${root}; run \`ccx init\` in one.\n`);
    for (const repo of report.repos) {
      io.stdout(`\n${repo.repo}  (${repo.state_dir})\n`);
      if (repo.board_write_deferred !== undefined) io.stdout(`  ${repo.board_write_deferred.message}\n`);
      if (repo.paused_until !== null) io.stdout(`  agents paused by a usage limit until ${repo.paused_until}\n`);
      for (const task of repo.tasks) {
        const waiting = typeof task['waiting'] === 'string' && task['waiting'].startsWith('waiting: ') ? task['waiting'] : undefined;
        const detail = waiting ?? (task['phase'] !== undefined ? `${String(task['phase'])}, cycle ${String(task['cycle'])}/${String(task['max_cycles'])}` : task['waiting'] !== undefined ? String(task['waiting']) : task['exit_status'] !== null ? String(task['exit_status']) : '');
        io.stdout(printable(`  ${String(task['id']).padEnd(6)} `) + paint(STATUS_TONES[String(task['status'])] ?? null, printable(String(task['status']).padEnd(9))) + printable(` ${String(task['title'])}${detail === '' ? '' : `  — ${detail}`}`) + '\n');
      }
      for (const runner of repo.runners ?? []) io.stdout(printable(`  runner ${runner.name} (${runner.host}): ${runner.busy}/${runner.slots} slots busy, last heartbeat ${runner.last_heartbeat}${runner.lost ? ', lost' : ''}`) + '\n');
      for (const task of repo.foreign ?? []) io.stdout(printable(`  ${task.id.padEnd(6)} not ccx's: ${task.reason}`) + '\n');
      for (const problem of repo.board.problems) io.stdout(`  BOARD.md:${problem.line}:${problem.column}: ${printable(problem.message)}\n`);
      for (const problem of repo.config.problems) io.stdout(`  config.yaml:${problem.line}:${problem.column}: ${printable(problem.message)}\n`);
      for (const task of repo.tasks) for (const notice of (task['notices'] as string[] | undefined) ?? []) io.stdout(`  notice: ${printable(notice)}\n`);
      if (daemon !== null) {
        const markdown = await readFile(join(repo.state_dir, 'STATUS.md'), 'utf8').catch(() => null);
        if (markdown !== null) io.stdout(`  (details: ${join(repo.state_dir, 'STATUS.md')})\n`);
      }
    }
    return 0;
  },
};
