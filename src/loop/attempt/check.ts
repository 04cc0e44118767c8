import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dirtyPaths, outOfScopePaths, restoreWorktree } from '../../git/index.js';
import { artifactName } from '../artifacts/files.js';
import { markerFinding, runTestCommand, scopeFinding, testFinding } from '../gate/test-command.js';
import type { CheckState, Finding } from '../types.js';
import { reviewBase, type AttemptEnd, type Engine } from './engine.js';

const CONFLICT_MARKER = /^(<{7}|>{7})( |$)/m;

/**
 * ccx's own checks after a work turn (SPEC 6.2): scope against the base, the test command (a turn
 * that changed nothing keeps the last run), and after a resolve turn, conflict markers left.
 */
export async function runChecks(engine: Engine): Promise<AttemptEnd | null> {
  const { input, state } = engine;
  const head = state.head;
  const cycle = state.cycle;
  const base = reviewBase(state);
  const scope = input.task.scope;
  const outOfScope = scope.include.length === 0 && scope.exclude.length === 0 ? [] : await outOfScopePaths(input.repo, { worktree: input.worktree, base, head, scope });
  if (outOfScope.length > 0) engine.emit({ type: 'scope.violation', cycle, paths: outOfScope });
  let test = state.checks.test;
  if (input.testCommand !== null && test?.head !== head) {
    engine.emit({ type: 'phase', cycle, phase: 'test', maxCycles: engine.maxCycles });
    const run = await runTestCommand({
      command: input.testCommand, worktree: input.worktree, head, logPath: join(input.runDir, artifactName(cycle, 'test', 'log')),
      timeoutMs: input.turnTimeoutMs, signal: input.signal, onProcessGroup: input.hooks.onProcessGroup,
    });
    if (run.canceled) return { exit: 'cancelled', message: `The attempt was cancelled while \`${input.testCommand}\` ran in cycle ${cycle}.` };
    test = { head: run.head, passed: run.passed, exitCode: run.exitCode, durationMs: run.durationMs, log: run.log, tail: run.tail };
    // What the tests wrote (reports, snapshots) is not the turn's work: back to the turn commit.
    if ((await dirtyPaths(input.repo, input.worktree)).length > 0) await restoreWorktree(input.repo, { worktree: input.worktree, head });
    engine.emit({ type: 'test.finished', cycle, passed: test.passed, exitCode: test.exitCode, durationMs: test.durationMs, log: test.log, reused: false });
  } else if (test !== null && input.testCommand !== null) {
    engine.emit({ type: 'test.finished', cycle, passed: test.passed, exitCode: test.exitCode, durationMs: 0, log: test.log, reused: true });
  }
  const markers = state.resolve === null ? [] : await filesWithMarkers(input.worktree, state.resolve.conflicts);
  state.checks = { head, outOfScope, test, markers };
  state.step = 'review';
  await engine.checkpoint();
  return null;
}

/** ccx's findings from the checks, raised to the next turn like a reviewer's. */
export function checkFindings(checks: CheckState, testCommand: string | null, base: string): Finding[] {
  const findings: Finding[] = [];
  if (checks.markers.length > 0) findings.push(markerFinding(checks.markers));
  if (checks.outOfScope.length > 0) findings.push(scopeFinding(checks.outOfScope, base));
  if (testCommand !== null && checks.test !== null && !checks.test.passed) findings.push(testFinding(testCommand, checks.test));
  return findings;
}

async function filesWithMarkers(worktree: string, files: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (const file of files) {
    const text = await readFile(join(worktree, file), 'utf8').catch(() => '');
    if (CONFLICT_MARKER.test(text)) left.push(file);
  }
  return left;
}
