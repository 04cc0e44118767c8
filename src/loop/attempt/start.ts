import { restoreWorktree, saveLeftovers, taskBranch, worktreeHead } from '../../git/index.js';
import { CcxError } from '../../errors.js';
import { ensureDirNoFollow } from '../../fs/no-follow.js';
import { Ledger } from '../artifacts/ledger.js';
import { NO_TOKENS } from '../artifacts/tokens.js';
import type { AttemptCheckpoint, AttemptInput, AttemptStep } from '../types.js';
import type { Engine } from './engine.js';
import { maxCyclesOf } from './roles.js';

/** Where an interrupted turn's leftovers are kept: refs/ccx/interrupted/<id>/<UTC time>. */
export function leftoversRef(id: string, now = new Date()): string {
  return `refs/ccx/interrupted/${id}/${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

export function freshCheckpoint(input: AttemptInput, head: string, start: { cycle: number; step: AttemptStep }): AttemptCheckpoint {
  return {
    version: 1,
    task: input.task.id,
    attempt: input.task.attempt,
    cycle: start.cycle,
    step: start.step,
    base: input.base,
    head,
    open: [],
    keyHistory: [],
    duet: { approvedBy: null, approvedHead: null },
    sessions: { implementer: null, reviewer: null },
    verdicts: [],
    skipped: [],
    nextSteps: [],
    checks: { head: null, outOfScope: [], test: null, markers: [] },
    lastWork: null,
    turns: 0,
    costUsd: 0,
    tokens: NO_TOKENS,
    resolve: null,
    savedRefs: [],
  };
}

/** Sets an attempt up: the run folder, the state (fresh or from the checkpoint), the ledger. */
export async function startEngine(input: AttemptInput, initial: (head: string) => AttemptCheckpoint): Promise<Engine> {
  await ensureDirNoFollow(input.stateDir, input.runDir);
  const branch = taskBranch(input.task.id);
  const head = await worktreeHead(input.repo, input.worktree);
  if (head === null) throw new CcxError('WORKTREE_INVALID', `the worktree ${input.worktree} has no commit checked out.`, { hint: 'Recreate the task worktree and retry.' });
  const resume = input.resume;
  if (resume !== undefined && (resume.task !== input.task.id || resume.attempt !== input.task.attempt || resume.version !== 1)) {
    throw new CcxError('WORKTREE_INVALID', `the checkpoint is for ${resume.task} attempt ${resume.attempt}, not ${input.task.id} attempt ${input.task.attempt}.`, { hint: 'Resume the attempt the checkpoint belongs to, or start a new attempt.' });
  }
  const state = resume === undefined ? initial(head) : (structuredClone(resume) as AttemptCheckpoint);
  const ledger = await Ledger.open(input.runDir, input.task.id, input.task.attempt);
  // A resumed attempt counts what its turns really cost, the re-run one included.
  if (resume !== undefined) state.costUsd = Math.max(state.costUsd, ledger.totals.costUsd);
  const engine: Engine = {
    input,
    state,
    maxCycles: state.resolve !== null ? state.cycle : maxCyclesOf(input.task),
    branch,
    ledger,
    emit: (event) => input.hooks.onEvent(event),
    checkpoint: () => input.hooks.onCheckpoint(structuredClone(engine.state)),
  };
  return engine;
}

/**
 * Announces the attempt, then puts the worktree back at the state's head, whatever an interrupted
 * turn (or a person) left there saved under refs/ccx/interrupted/ first. A new attempt in a
 * worktree git has just checked out at that head is already there.
 */
export async function beginAttempt(engine: Engine): Promise<void> {
  const { input, state } = engine;
  engine.emit({
    type: 'attempt.started', task: input.task.id, attempt: input.task.attempt, mode: input.task.mode, maxCycles: engine.maxCycles,
    rung: input.rung.alias, resumed: input.resume !== undefined, step: state.step, cycle: state.cycle,
  });
  if (input.worktreeCheckedOut === true && input.resume === undefined) return;
  const head = await worktreeHead(input.repo, input.worktree);
  const saved = await saveLeftovers(input.repo, { worktree: input.worktree, keep: state.head, ref: leftoversRef(input.task.id), message: `${input.task.id} a${input.task.attempt}: leftovers of an interrupted turn` });
  if (saved !== null) state.savedRefs.push(saved.ref);
  // Always: it also ends a merge an interrupted resolve turn left in progress.
  await restoreWorktree(input.repo, { worktree: input.worktree, head: state.head });
  if (saved !== null || head !== state.head) engine.emit({ type: 'worktree.restored', head: state.head, savedRef: saved?.ref ?? null });
}
