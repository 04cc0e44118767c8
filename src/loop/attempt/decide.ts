import type { AgentType } from '../../agents/index.js';
import type { AgentSlot, AttemptCheckpoint, AttemptExit, Finding, LoopMode, Verdict } from '../types.js';
import { describeKey, pushKeys, stuckKey, STUCK_REVIEWS } from '../verdict/stuck.js';

export interface ReviewFacts {
  mode: LoopMode;
  cycle: number;
  maxCycles: number;
  reviewer: AgentType;
  reviewerSlot: AgentSlot;
  /** The commit that was reviewed. */
  head: string;
  verdict: Verdict;
  /** The reviewer's findings left after the filter. */
  open: Finding[];
  /** ccx's own: out of scope, failing tests, conflict markers. */
  ccx: Finding[];
  /** The changed paths outside the task's scope (named in the exit message). */
  outOfScope: readonly string[];
  keyHistory: string[][];
  duet: AttemptCheckpoint['duet'];
  /** A resolve run (one cycle): files still holding conflict markers. */
  resolve: { markers: string[] } | null;
}

export type ReviewDecision = {
  keyHistory: string[][];
  duet: AttemptCheckpoint['duet'];
  /** The stuck finding, for the event. */
  stuck: string | null;
} & ({ next: 'exit'; exit: AttemptExit; message: string; unresolved: Finding[] } | { next: 'fix'; open: Finding[] });

/**
 * SPEC 6.4 after a review: clean (nothing in scope left, ccx's checks clean) ends the attempt
 * approved or filtered-clean (forever: filtered-unapproved unless it approved; duet: only the second clean review in a row, by the other agent, of
 * an unchanged head); the same finding in STUCK_REVIEWS consecutive reviews is stuck; the last
 * cycle ends it with the most specific reason (out-of-scope, test-failed, else cycle-cap);
 * otherwise the findings go to a fix turn.
 */
export function decideAfterReview(facts: ReviewFacts): ReviewDecision {
  const keyHistory = pushKeys(facts.keyHistory, facts.open);
  const unresolved = [...facts.ccx, ...facts.open];
  const clean = unresolved.length === 0;
  const of = `cycle ${facts.cycle} of ${facts.maxCycles}`;
  const exit = (exitReason: AttemptExit, message: string, duet = facts.duet, stuck: string | null = null): ReviewDecision => ({ keyHistory, duet, stuck, next: 'exit', exit: exitReason, message, unresolved: clean ? [] : unresolved });
  let duet: AttemptCheckpoint['duet'] = { approvedBy: null, approvedHead: null };
  if (clean) {
    if (facts.mode === 'forever' && facts.verdict !== 'approve') {
      // forever runs until the reviewer approves: as in ccx-loop, a filter alone never ends it clean.
      return exit('filtered-unapproved', `The reviewer (${facts.reviewer}) left nothing at or above the filter in ${of} but did not approve; forever mode merges only an approval.`);
    }
    const how = facts.verdict === 'approve' ? 'approved' : 'filtered-clean';
    const said = facts.verdict === 'approve' ? `The reviewer (${facts.reviewer}) approved in ${of}` : `The reviewer (${facts.reviewer}) left nothing at or above the filter in ${of}, though it did not approve`;
    if (facts.mode !== 'duet') return exit(how, `${said}.`);
    const second = facts.duet.approvedBy !== null && facts.duet.approvedBy !== facts.reviewerSlot && facts.duet.approvedHead === facts.head;
    if (second) return exit(how, `${said}: the second clean review in a row, by the other agent, with no change between them.`);
    duet = { approvedBy: facts.reviewerSlot, approvedHead: facts.head };
    if (facts.cycle >= facts.maxCycles) {
      return exit('cycle-cap', `All ${facts.maxCycles} cycles were used: the last review was clean, but duet mode needs a second clean review in a row by the other agent.`, duet);
    }
    return { keyHistory, duet, stuck: null, next: 'fix', open: [] };
  }
  const stuck = stuckKey(keyHistory);
  if (stuck !== null) {
    return exit('stuck', `The same finding came back in ${STUCK_REVIEWS} consecutive reviews (${describeKey(stuck)}), so the loop cannot converge.`, duet, stuck);
  }
  if (facts.cycle >= facts.maxCycles) return exit(...capExit(facts), duet);
  return { keyHistory, duet, stuck: null, next: 'fix', open: unresolved };
}

function capExit(facts: ReviewFacts): [AttemptExit, string] {
  const used = facts.resolve !== null ? 'After the resolve turn' : `All ${facts.maxCycles} cycle${facts.maxCycles === 1 ? ' was' : 's were'} used`;
  const source = (kind: Finding['source']) => facts.ccx.some((finding) => finding.source === kind);
  if (facts.resolve !== null && facts.resolve.markers.length > 0) return ['conflict', `The resolve turn left conflict markers in ${facts.resolve.markers.join(', ')}.`];
  if (source('scope')) return ['out-of-scope', outOfScopeMessage(facts.outOfScope, used)];
  if (source('tests')) return ['test-failed', `${used} and the test command still fails.`];
  const count = facts.open.length;
  return ['cycle-cap', `${used} and ${count} finding${count === 1 ? ' is' : 's are'} still open.`];
}

/** The files first: the audit log keeps only the start of a long reason. */
export function outOfScopeMessage(paths: readonly string[], used: string): string {
  const shown = paths.slice(0, OUT_OF_SCOPE_NAMED).join(', ');
  const more = paths.length > OUT_OF_SCOPE_NAMED ? ` and ${paths.length - OUT_OF_SCOPE_NAMED} more` : '';
  return `edited outside its scope: ${shown}${more} (${used.replace(/^A/, 'a')}; undo those changes or widen scope.include, then flip the row to pending).`;
}

const OUT_OF_SCOPE_NAMED = 10;
