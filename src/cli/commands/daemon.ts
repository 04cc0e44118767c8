import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../config/config-file.js';
import { readEnv, type CcxEnv } from '../../config/env.js';
import { dataRoot, statePaths } from '../../config/paths.js';
import { Daemon } from '../../daemon/daemon.js';
import { discoverStateDirs } from '../../daemon/runtime/discover.js';
import { UsageError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { readLadder } from '../../loop/ladder/load.js';
import { dryRunPlan } from '../../scheduler/dry-run.js';
import { readBoardAndLadder } from '../board-access.js';
import { colorEnabled } from '../../text/color.js';
import { AuditFeed } from '../daemon-log/event-feed.js';
import { logFormat, underJournald } from '../daemon-log/format.js';
import { daemonLogger } from '../daemon-log/logger.js';
import { handleStopSignals } from '../daemon-log/signals.js';
import { currentServiceHost, runInServiceMode, servicePaths } from '../../service/index.js';
import { booleanOption, stringOption, type CliIO, type Command, type OptionValues } from '../command.js';
import { initialisedContext } from '../context.js';

export const daemon: Command = {
  usage: 'ccx daemon [--once] [--repo PATH] [--max-tasks M] [--start-tier auto|<alias>] [--dry-run] [--log-format pretty|json]',
  details: `Serves every repository initialised under the data root (and any initialised later): watches
BOARD.md, config.yaml and the inbox, dispatches pending tasks, runs the review loop, merges, and
writes STATUS.md and audit.jsonl. One daemon per data root: a second one names the pid of the first
and exits 1. SIGTERM or SIGINT stops dispatching, gives running turns CCX_SHUTDOWN_GRACE_MS, then
stops them; their tasks stay running on the board and resume from their last completed turn at
the next start; a second Ctrl-C stops them at once. Exits 0 after a SIGTERM stop, 130 after Ctrl-C.

On a terminal it prints readable event lines (those of \`ccx logs -f\`, for every repository it
serves, and its own); otherwise one pino JSON object a line on stderr. Under systemd
(INVOCATION_ID or JOURNAL_STREAM set) each line starts with its journald priority (<3> error,
<4> warning, <6> info, <7> debug), so \`journalctl --user -u ccx -p warning\` works.

Options:
  --once        exit (0) when every task has finished, cannot be dispatched, or waits on a person
  --repo PATH   serve only this repository
  --max-tasks M         stop dispatching after M merges (across repositories), and exit (0) once
                        the work still running has ended
  --start-tier T        every task's starting rung of the model ladder for this run: an alias, or
                        auto (each row's model_start, else the ladder's default_start)
  --dry-run             print the dispatch plan (what would start now, in which order, on which
                        rung and in which worktree) and why each other pending task waits; start
                        nothing, write nothing
  --log-format F        pretty (readable lines; the default on a terminal) or json (pino JSON
                        lines; the default otherwise)
  --service     how the installed service starts it: counts quick restarts and gives up past a
                limit (launchd has none of its own); see \`ccx service\``,
  options: { once: { type: 'boolean' }, repo: { type: 'string' }, service: { type: 'boolean' }, 'max-tasks': { type: 'string' }, 'start-tier': { type: 'string' }, 'dry-run': { type: 'boolean' }, 'log-format': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const runDaemon = () => runForeground(values, io);
    if (!booleanOption(values, 'service')) return runDaemon();
    return runInServiceMode({ startsFile: servicePaths(currentServiceHost(io.env)).startsFile, stderr: io.stderr }, runDaemon);
  },
};

async function runForeground(values: OptionValues, io: CliIO): Promise<number> {
  const env = readEnv(io.env);
  const repoPath = stringOption(values, 'repo');
  const maxTasks = maxTasksOption(stringOption(values, 'max-tasks'));
  const onlyStateDir = repoPath === undefined ? undefined : (await initialisedContext(io, { repoPath })).paths.stateDir;
  const stateDirs = onlyStateDir === undefined ? await discoverStateDirs(dataRoot(env)) : [onlyStateDir];
  const startTier = await startTierOption(stringOption(values, 'start-tier'), stateDirs);
  const format = logFormat(stringOption(values, 'log-format'), io);
  if (booleanOption(values, 'dry-run')) return dryRun(io, env, stateDirs, startTier);
  const style = { format, journald: underJournald(io.env), color: colorEnabled(io.env, io.stderrIsTTY) };
  // One synchronous stderr for the log and the event lines, so they interleave in order.
  const stderr = pino.destination({ fd: 2, sync: true });
  const write = (text: string) => void stderr.write(text);
  // A terminal echoes ^C where the next line starts (the stop line): \r writes that line over it.
  const log = daemonLogger(style, env.logLevel, format === 'pretty' && io.stderrIsTTY ? (text) => write(`\r${text}`) : write);
  const feed = format === 'pretty' ? new AuditFeed(style, write) : null;
  const running = new Daemon({
    env, once: booleanOption(values, 'once'), ...(onlyStateDir === undefined ? {} : { onlyStateDir }), ...(maxTasks === undefined ? {} : { maxTasks }), ...(startTier === null ? {} : { startTier }),
    log, ...(feed === null ? {} : { onRepositoryOpened: (stateDir: string) => feed.add(stateDir) }),
  });
  const removeHandlers = handleStopSignals(running, log, env.shutdownGraceMs);
  // An error nothing caught stops the daemon: it is audited and notified (daemon.failed) before the exit.
  const fatal = (error: unknown) => {
    io.stderr(`ccx daemon: stopped by an unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void running.fail(error).finally(() => process.exit(1));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  try {
    try {
      await running.start();
    } catch (error) {
      await running.fail(error);
      throw error;
    }
    await running.whenFinished();
  } finally {
    removeHandlers();
    await feed?.close();
    process.off('uncaughtException', fatal);
    process.off('unhandledRejection', fatal);
  }
  return 0;
}

function maxTasksOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(count) || count < 1) throw new UsageError(`--max-tasks must be a whole number of merges, 1 or more, but it is ${JSON.stringify(value)}.`);
  return count;
}

/** An alias must be a rung of every served repository's ladder: a typo would silently pick nothing. */
async function startTierOption(value: string | undefined, stateDirs: readonly string[]): Promise<string | null> {
  if (value === undefined || value === 'auto') return null;
  for (const stateDir of stateDirs) {
    const reading = await readLadder(statePaths(stateDir).ladder);
    if (!('ladder' in reading)) continue;
    const aliases = reading.ladder.tiers.map((tier) => tier.alias);
    if (!aliases.includes(value)) throw new UsageError(`--start-tier ${JSON.stringify(value)} is not a rung of the model ladder of ${stateDir}; its rungs are ${aliases.join(', ')} (or auto: each task's own).`);
  }
  return value;
}

/** The dispatch plan of every repository, from the board and git alone: nothing is started or written. */
async function dryRun(io: CliIO, env: CcxEnv, stateDirs: readonly string[], startTier: string | null): Promise<number> {
  io.stdout('Dry run: nothing is started and nothing is written.\n');
  if (stateDirs.length === 0) io.stdout(`No repository is set up under ${dataRoot(env)}; run \`ccx init\` in one.\n`);
  for (const stateDir of stateDirs) {
    const config = await loadConfig(join(stateDir, 'config.yaml'));
    const repo = await openRepo(config.repo);
    const { board, ladder } = await readBoardAndLadder({ env, repo, paths: statePaths(stateDir) }, { cache: false });
    const lines = await dryRunPlan({ stateDir, repo, config, board, ladder, startTier, maxWorkers: env.maxWorkers });
    io.stdout(`\n${lines.join('\n')}\n`);
  }
  return 0;
}
