import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { diffSince } from '../../git/index.js';
import { cutBytes } from '../prompt/blocks.js';
import { commitBody } from '../handoff/commit-body.js';
import { writeSummary, type AttemptSummary } from '../handoff/summary.js';
import type { AttemptResult } from '../types.js';
import { reviewBase, taskCostUsd, type AttemptEnd, type Engine } from './engine.js';

/** The `What changed` stat kept in a handoff. */
const MAX_CHANGED_BYTES = 8 * 1024;

/** Puts the result together and writes attempt.json and the handoff (SPEC 6.9). */
export async function finishAttempt(engine: Engine, end: AttemptEnd): Promise<AttemptResult> {
  const { input, state } = engine;
  const clean = end.exit === 'approved' || end.exit === 'filtered-clean';
  const unresolved = clean ? [] : (end.unresolved ?? state.open);
  const checked = state.checks.head === state.head;
  // A run on an older commit says nothing about the branch as it ends.
  const testsPassing = state.checks.test === null || state.checks.test.head !== state.head ? null : state.checks.test.passed;
  const outOfScope = checked ? state.checks.outOfScope : [];
  const mergeable = clean && checked && testsPassing !== false && unresolved.length === 0 && outOfScope.length === 0 && state.checks.markers.length === 0;
  const base = reviewBase(state);
  const changed = await diffSince(input.repo, { worktree: input.worktree, base, head: state.head }).then(
    (diff) => cutBytes(diff.stat, MAX_CHANGED_BYTES).text,
    () => '',
  );
  const cycles = engine.ledger.lastCycle;
  const summary: AttemptSummary = {
    task: input.task,
    rung: input.rung.alias,
    worktree: input.worktree,
    branch: engine.branch,
    base,
    head: state.head,
    exit: end.exit,
    mergeable,
    message: end.message,
    cycles,
    maxCycles: engine.maxCycles,
    verdicts: state.verdicts,
    unresolved,
    skipped: state.skipped,
    nextSteps: state.nextSteps,
    testCommand: input.testCommand,
    testsPassing,
    testLog: state.checks.test?.log ?? null,
    outOfScope,
    costUsd: state.costUsd,
    taskCostUsd: taskCostUsd(engine),
    tokens: state.tokens,
    changed,
    savedRefs: state.savedRefs,
    runDir: input.runDir,
    endedAt: new Date().toISOString(),
  };
  await rm(join(input.runDir, '.scratch'), { recursive: true, force: true });
  const handoffPath = await writeSummary(summary);
  engine.emit({ type: 'attempt.finished', exit: end.exit, mergeable, cycles, message: end.message, costUsd: state.costUsd });
  return {
    exit: end.exit,
    mergeable,
    cycles,
    head: state.head,
    base,
    verdicts: state.verdicts,
    unresolved,
    skipped: state.skipped,
    nextSteps: state.nextSteps,
    testsPassing,
    outOfScope,
    costUsd: state.costUsd,
    taskCostUsd: summary.taskCostUsd,
    tokens: state.tokens,
    message: end.message,
    commitBody: commitBody(summary),
    handoffPath,
    savedRefs: state.savedRefs,
    checkpoint: structuredClone(state),
  };
}
