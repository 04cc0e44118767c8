import { readEnv } from '../../config/env.js';
import { Daemon } from '../../daemon/daemon.js';
import { currentServiceHost, runInServiceMode, servicePaths } from '../../service/index.js';
import { booleanOption, stringOption, type CliIO, type Command, type OptionValues } from '../command.js';
import { initialisedContext } from '../context.js';

export const daemon: Command = {
  usage: 'ccx daemon [--once] [--repo PATH]',
  details: `Serves every repository initialised under the data root (and any initialised later): watches
BOARD.md, config.yaml and the inbox, dispatches pending tasks, runs the review loop, merges, and
writes STATUS.md and audit.jsonl. One daemon per data root: a second one names the pid of the first
and exits 1. SIGTERM or SIGINT stops dispatching, gives running turns CCX_SHUTDOWN_GRACE_MS, then
stops them; their tasks stay running on the board and resume from their last completed turn at
the next start. Exits 0 after such a stop.

Options:
  --once        exit (0) when every task has finished, cannot be dispatched, or waits on a person
  --repo PATH   serve only this repository
  --service     how the installed service starts it: counts quick restarts and gives up past a
                limit (launchd has none of its own); see \`ccx service\``,
  options: { once: { type: 'boolean' }, repo: { type: 'string' }, service: { type: 'boolean' } },
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
  const onlyStateDir = repoPath === undefined ? undefined : (await initialisedContext(io, repoPath)).paths.stateDir;
  const running = new Daemon({ env, once: booleanOption(values, 'once'), ...(onlyStateDir === undefined ? {} : { onlyStateDir }) });
  const stop = (signal: NodeJS.Signals) => void running.stop(signal);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await running.start();
    await running.whenFinished();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  return 0;
}
