import { diffSince } from '../../git/index.js';
import { artifactName, writeArtifact } from '../artifacts/files.js';
import { reviewPrompt } from '../prompt/review.js';
import { runAgentTurn } from '../turn/run-turn.js';
import { countBySeverity, filterFindings } from '../verdict/filter.js';
import { malformedReviewFinding, readVerdict, type ReviewAnswer } from '../verdict/read.js';
import { VERDICT_SCHEMA } from '../verdict/schema.js';
import { describeKey, findingKey } from '../verdict/stuck.js';
import { checkFindings } from './check.js';
import { decideAfterReview } from './decide.js';
import { reviewBase, type AttemptEnd, type Engine } from './engine.js';
import { turnFailed } from './failed.js';
import { reviewSlot } from './roles.js';

/** SPEC 6.3–6.4: the review turn, its verdict validated and filtered, and what follows from it. */
export async function runReviewStep(engine: Engine): Promise<AttemptEnd | null> {
  const { input, state } = engine;
  const cycle = state.cycle;
  const base = reviewBase(state);
  engine.emit({ type: 'phase', cycle, phase: 'review', maxCycles: engine.maxCycles });
  const diff = await diffSince(input.repo, { worktree: input.worktree, base, head: state.head });
  const emptyTurnNote = state.lastWork?.cycle === cycle && state.lastWork.empty && state.open.length > 0 ? state.lastWork.note : null;
  const prompt = reviewPrompt({
    task: input.task, brief: input.brief, direction: input.direction, testCommand: input.testCommand, base, diff, cycle,
    maxCycles: engine.maxCycles, open: state.open, checks: state.checks, emptyTurnNote,
  });
  const slot = reviewSlot(input.task, cycle);
  const reviewer = input.agents[slot].type;
  const outcome = await runAgentTurn(engine, { slot, role: 'reviewer', phase: 'review', prompt, outputSchema: VERDICT_SCHEMA });
  if (outcome.kind !== 'ok') return turnFailed(engine, 'review', slot, outcome);
  const verdictFile = artifactName(cycle, 'review', 'verdict.json');
  let read = readVerdict(outcome);
  const firstProblem = read.ok ? null : read.problem;
  if (!read.ok) {
    // As ccx-loop does: one more try with the problem quoted back, then a finding rather than a failed task.
    const again = await runAgentTurn(engine, { slot, role: 'reviewer', phase: 'review', prompt: retryPrompt(prompt, read.problem, outcome.text), outputSchema: VERDICT_SCHEMA, retry: true });
    if (again.kind !== 'ok') return turnFailed(engine, 'review', slot, again);
    const reread = readVerdict(again);
    read = reread.ok ? reread : { ok: true, answer: malformedAnswer(reread.problem) };
  }
  const answer = read.answer;
  const malformed = answer.form === 'malformed';
  const filtered = filterFindings(malformed ? [] : answer.findings, { severity: input.task.minSeverity, confidence: input.task.minConfidence });
  // The malformed-review finding passes every filter: a review nobody could read must never count as clean.
  const open = malformed ? answer.findings : filtered.open;
  const skipped = filtered.skipped;
  const counts = countBySeverity(answer.findings);
  state.verdicts.push({ cycle, reviewer, slot, verdict: answer.verdict, counts, skipped: skipped.length, open: open.length });
  const known = new Set(state.skipped.map(findingKey));
  state.skipped.push(...skipped.filter((finding) => !known.has(findingKey(finding))));
  if (answer.nextSteps.length > 0 || answer.verdict === 'approve') state.nextSteps = answer.nextSteps;
  await writeArtifact(input.runDir, verdictFile, `${JSON.stringify({ cycle, reviewer, ...(firstProblem === null ? {} : { retried_after: firstProblem }), form: answer.form, verdict: answer.verdict, summary: answer.summary, open, skipped, next_steps: answer.nextSteps }, null, 2)}\n`);
  engine.emit({ type: 'review.verdict', cycle, reviewer, verdict: answer.verdict, counts, skipped: skipped.length, open: open.length });
  const decision = decideAfterReview({
    mode: input.task.mode, cycle, maxCycles: engine.maxCycles, reviewer, reviewerSlot: slot, head: state.head, verdict: answer.verdict,
    open, ccx: checkFindings(state.checks, input.testCommand, base), outOfScope: state.checks.outOfScope, keyHistory: state.keyHistory, duet: state.duet,
    resolve: state.resolve === null ? null : { markers: state.checks.markers },
  });
  state.keyHistory = decision.keyHistory;
  state.duet = decision.duet;
  if (decision.stuck !== null) engine.emit({ type: 'task.stuck', cycle, finding: describeKey(decision.stuck), reviews: decision.keyHistory.length });
  if (decision.next === 'exit') {
    state.open = decision.unresolved;
    return { exit: decision.exit, message: decision.message, unresolved: decision.unresolved };
  }
  state.open = decision.open;
  state.cycle = cycle + 1;
  state.step = 'fix';
  engine.emit({ type: 'cycle.started', cycle: state.cycle, maxCycles: engine.maxCycles });
  await engine.checkpoint();
  return null;
}

/** The review turn's prompt again, with what was wrong with its answer and the start of that answer. */
function retryPrompt(prompt: string, problem: string, answer: string): string {
  const shown = answer.length > RETRY_ANSWER_SHOWN ? `${answer.slice(0, RETRY_ANSWER_SHOWN)}\n… (cut)` : answer;
  return `${prompt}\n\n## Your last answer could not be read\n\nccx could not read a verdict from it: ${problem}.\nIt began:\n\n\`\`\`text\n${shown.replace(/```/g, "'''")}\n\`\`\`\n\nAnswer again with only the verdict JSON described above (a \`\`\`json block is fine).\n`;
}

const RETRY_ANSWER_SHOWN = 2000;

function malformedAnswer(problem: string): ReviewAnswer {
  return { verdict: 'needs-attention', summary: `The review could not be read: ${problem}.`, findings: [malformedReviewFinding(problem)], nextSteps: [], form: 'malformed' };
}
