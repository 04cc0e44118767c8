import { dirname } from 'node:path';
import { runInGroup } from '../../agents/index.js';
import { PRIVATE_FILE_MODE } from '../../fs/atomic-write.js';
import { writeFileNoFollow } from '../../fs/no-follow.js';
import { stateDirOfRun } from '../artifacts/files.js';
import type { Finding, TestRun } from '../types.js';

/** The shell the person's test command line runs in (SPEC 13: it is run as they wrote it). */
export const TEST_SHELL = '/bin/sh';
/** How much of a failing run's output goes into its finding. */
export const TEST_TAIL_LINES = 40;
export const TEST_TAIL_CHARS = 3_000;
const TEST_KILL_GRACE_MS = 2_000;

export interface TestCommandInput {
  command: string;
  worktree: string;
  head: string;
  logPath: string;
  timeoutMs: number;
  signal: AbortSignal;
  onProcessGroup?: (group: { pgid: number; token: string } | null) => void | Promise<void>;
}

/** Runs the test command in the worktree, in a process group of its own under the turn's wall clock; writes its log. */
export async function runTestCommand(input: TestCommandInput): Promise<TestRun & { canceled: boolean }> {
  const run = await runInGroup({
    file: TEST_SHELL,
    args: ['-c', input.command],
    cwd: input.worktree,
    env: { ...process.env },
    input: '',
    timeoutMs: input.timeoutMs,
    signal: input.signal,
    killGraceMs: TEST_KILL_GRACE_MS,
    onSpawn: (group) => input.onProcessGroup?.(group),
  });
  await input.onProcessGroup?.(null);
  const passed = run.exitCode === 0 && !run.timedOut && !run.canceled && run.spawnError === undefined;
  const how = run.spawnError !== undefined
    ? `could not start ${TEST_SHELL} (${run.spawnError.code})`
    : run.timedOut
      ? `was stopped after ${run.durationMs} ms: it ran past the turn limit`
      : run.canceled
        ? 'was cancelled'
        : run.signal !== null
          ? `was killed by ${run.signal}`
          : `exited with code ${run.exitCode}`;
  const log = [`$ ${input.command}`, `# in ${input.worktree} at ${input.head}`, '', run.stdout.trimEnd(), '', '--- stderr ---', run.stderr.trimEnd(), '', `# ${passed ? 'passed' : 'failed'}: it ${how} after ${run.durationMs} ms`, ''].join('\n');
  await writeFileNoFollow(stateDirOfRun(dirname(input.logPath)), input.logPath, log, PRIVATE_FILE_MODE);
  const tail = lastLines(`${run.stdout.trimEnd()}\n${run.stderr.trimEnd()}`.trim());
  return { head: input.head, passed, exitCode: run.exitCode, durationMs: run.durationMs, log: input.logPath, tail: passed ? '' : `It ${how}.${tail === '' ? '' : `\n${tail}`}`, canceled: run.canceled };
}

function lastLines(text: string): string {
  const kept = text.split('\n').slice(-TEST_TAIL_LINES).join('\n');
  return kept.length > TEST_TAIL_CHARS ? `…${kept.slice(-TEST_TAIL_CHARS)}` : kept;
}

/** A failing test command is a high finding with the tail of its output. */
export function testFinding(command: string, run: TestRun): Finding {
  return {
    severity: 'high',
    title: `The test command \`${command}\` fails`,
    body: run.tail,
    file: '',
    lineStart: null,
    lineEnd: null,
    confidence: 1,
    recommendation: `Make it pass. The full log is ${run.log}.`,
    source: 'tests',
  };
}

/** Changes outside scope.include/exclude are a high finding (SPEC 6.2); the branch is never merged with them. */
export function scopeFinding(paths: readonly string[], base: string): Finding {
  const shown = paths.slice(0, 30).map((path) => `- ${path}`).join('\n');
  return {
    severity: 'high',
    title: "Changes outside the task's scope",
    body: `These paths changed but are outside the task's scope:\n${shown}${paths.length > 30 ? `\n…and ${paths.length - 30} more` : ''}`,
    file: '',
    lineStart: null,
    lineEnd: null,
    confidence: 1,
    recommendation: `Undo those changes (git checkout ${base.slice(0, 12)} -- <path>, or delete a new file); the task may change only what its scope allows.`,
    source: 'scope',
  };
}

/** A resolve turn that left conflict markers. */
export function markerFinding(files: readonly string[]): Finding {
  return {
    severity: 'critical',
    title: 'Conflict markers are left',
    body: `These files still hold <<<<<<< / ======= / >>>>>>> lines: ${files.join(', ')}.`,
    file: files[0] ?? '',
    lineStart: null,
    lineEnd: null,
    confidence: 1,
    recommendation: 'Resolve each conflict and remove every marker.',
    source: 'conflict',
  };
}
