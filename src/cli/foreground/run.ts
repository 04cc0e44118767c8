import { readEnv } from '../../config/env.js';
import { DEFAULT_KILL_GRACE_MS } from '../../agents/index.js';
import { runAttempt, sleepUntil, type AttemptInput } from '../../loop/index.js';
import type { CliIO } from '../command.js';
import { foregroundAsker } from './ask-terminal.js';
import { landTask, type Landing } from './land.js';
import type { ForegroundOptions } from './options.js';
import { progressPrinter } from './progress.js';
import { activityTracker, liveProgress, plainProgress } from './status-line.js';
import { colorEnabled } from '../../text/color.js';
import { renderReport } from './report.js';
import { setUpForegroundTask } from './setup.js';
import { printable } from '../../text/printable.js';

/**
 * `ccx loop` / `ccx forever`: one task in the current repository, in the foreground, in its own
 * worktree; live progress on stderr, the report on stdout. Exit 0 for a clean exit (and, with
 * --commit, a merge); 1 otherwise. Ctrl-C cancels the running turn and keeps the branch.
 */
export async function runForeground(io: CliIO, options: ForegroundOptions): Promise<number> {
  const setup = await setUpForegroundTask(io, options);
  const { task, worktree, config } = setup;
  const testCommand = config?.test ?? null;
  // On a terminal: a clock on each line and a ticking status line; elsewhere plain lines.
  const progress = io.stderrIsTTY ? liveProgress({ write: io.stderr, color: colorEnabled(io.env, true), columns: () => process.stderr.columns ?? 80 }) : plainProgress(io.stderr);
  const say = (line: string) => progress.line(line);
  const activity = activityTracker();
  const printProgress = progressPrinter(say, testCommand);
  const cycles = task.mode === 'forever' ? `up to ${task.maxCycles} cycles` : `${task.loops} cycle${task.loops === 1 ? '' : 's'}`;
  const [working, reviewing] = task.codexFirst ? [setup.agentTypes.reviewer, setup.agentTypes.implementer] : [setup.agentTypes.implementer, setup.agentTypes.reviewer];
  say(`ccx ${options.command} ${task.id}: ${JSON.stringify(task.title)}, ${task.mode} mode, ${cycles}; ${task.mode === 'duet' ? `${working} and ${reviewing} take turns` : `${working} implements, ${reviewing} reviews`}`);
  say(`  worktree ${worktree.path} (branch ${worktree.branch} from ${setup.integration} at ${worktree.head.slice(0, 7)})${config === null ? '; no config.yaml, so no test command' : ''}`);
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) say(`${signal}: stopping the running turn and its processes; the branch is kept.`);
    // The agent's group already has TERM, and KILL follows by itself: a second Ctrl-C only says so.
    else if (signal === 'SIGINT') say(`still stopping: the agent's processes get KILL within ${DEFAULT_KILL_GRACE_MS / 1000} s of the first Ctrl-C; then the report follows.`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const input: AttemptInput = {
      repo: setup.context.repo, worktree: worktree.path, base: worktree.head, task, brief: setup.brief, direction: setup.direction, testCommand,
      agents: setup.agents, rung: setup.rung, runDir: setup.runDir, stateDir: setup.context.paths.stateDir,
      turnTimeoutMs: readEnv(io.env).turnTimeoutMs, signal: controller.signal,
      asker: foregroundAsker({ config: config?.ask, stateDir: setup.context.paths.stateDir, say, terminal: process.stdin.isTTY }),
      hooks: {
        onEvent: (event) => {
          printProgress(event);
          const now = activity(event);
          if (now !== undefined) progress.activity(now);
        },
        onCheckpoint: async () => undefined, // a foreground run is not resumed: Ctrl-C ends it, the branch stays
        waitForLimit: (_agent, resetAt) => sleepUntil(resetAt, controller.signal),
      },
    };
    const result = await runAttempt(input);
    let landing: Landing | null = null;
    if (options.commit && result.mergeable && !controller.signal.aborted) landing = await landTask(input, setup.integration, result, say, setup.config?.commitSubject);
    progress.close();
    io.stdout(printable(renderReport({ id: task.id, repoRoot: setup.context.repo.root, integration: setup.integration, worktree: worktree.path, runDir: setup.runDir, testCommand, commit: options.commit, result, landing }), { multiline: true }));
    const clean = result.mergeable && (!options.commit || landing?.status === 'merged');
    return clean ? 0 : 1;
  } finally {
    progress.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
