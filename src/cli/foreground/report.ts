import { describeCounts, type AttemptResult, type Finding } from '../../loop/index.js';
import type { Landing } from './land.js';

/** Findings listed in the report; the handoff has them all. */
const MAX_REPORT_FINDINGS = 10;

export interface ReportInput {
  id: string;
  repoRoot: string;
  integration: string;
  worktree: string;
  runDir: string;
  testCommand: string | null;
  commit: boolean;
  result: AttemptResult;
  landing: Landing | null;
}

/** The final report on stdout: how it ended, and what to do with the branch. */
export function renderReport(input: ReportInput): string {
  const { result, id } = input;
  const lines = [`${id} ${result.exit} after ${result.cycles} cycle${result.cycles === 1 ? '' : 's'}: ${result.message}`];
  if (result.verdicts.length > 0) lines.push(`  verdicts: ${result.verdicts.map((verdict) => `c${verdict.cycle} ${verdict.verdict} (${describeCounts(verdict.counts)})`).join(', ')}`);
  lines.push(`  tests: ${input.testCommand === null ? 'none configured' : `${result.testsPassing === null ? 'not run' : result.testsPassing ? 'passing' : 'failing'} (${input.testCommand})`}`);
  if (result.unresolved.length > 0) lines.push('  unresolved:', ...findings(result.unresolved));
  if (result.skipped.length > 0) lines.push(`  skipped by the filter: ${result.skipped.length} finding${result.skipped.length === 1 ? '' : 's'} (listed in the handoff)`);
  if (result.nextSteps.length > 0) lines.push("  the reviewer's next steps:", ...result.nextSteps.slice(0, MAX_REPORT_FINDINGS).map((step) => `    - ${step.replace(/\s+/g, ' ').trim()}`));
  if (result.taskCostUsd > 0) lines.push(`  cost: $${result.taskCostUsd.toFixed(4)} (agent-reported)`);
  lines.push(`  handoff: ${result.handoffPath}`);
  const landing = input.landing;
  if (landing?.status === 'merged') {
    lines.push(`Merged into ${input.integration} as ${landing.sha.slice(0, 12)} (${landing.files} file${landing.files === 1 ? '' : 's'}${landing.resolved ? ', after one resolve turn' : ''}); the worktree and branch ccx/${id} are removed.`);
    return `${lines.join('\n')}\n`;
  }
  if (landing?.status === 'waiting') lines.push(`Not merged yet: ${landing.checkout} has ${landing.detail} that the merge would touch. Commit or stash them, then land the branch as below.`);
  if (landing?.status === 'conflict') lines.push(`Not merged: ${landing.files.join(', ')} conflict with ${input.integration}, and the resolve turn ended ${landing.resolve.exit}: ${landing.resolve.message}`);
  if (landing === null && result.mergeable && !input.commit) lines.push('Ready to merge (run with --commit to have ccx land it).');
  if (landing === null && !result.mergeable && input.commit) lines.push('Not merged: --commit lands only a clean exit (approved or filtered-clean, tests passing, nothing unresolved or out of scope).');
  return `${lines.join('\n')}\n${keptLines(input).join('\n')}\n`;
}

function keptLines(input: ReportInput): string[] {
  const git = `git -C ${quote(input.repoRoot)}`;
  const branch = `ccx/${input.id}`;
  const base = input.result.base.slice(0, 12);
  return [
    `Kept for inspection: the worktree ${input.worktree} (branch ${branch}).`,
    `  look:     ${git} log --oneline ${base}..${branch}`,
    `            ${git} diff ${base} ${branch}`,
    `  land it:  ${git} merge --squash ${branch} && ${git} commit`,
    `  discard:  ${git} worktree remove --force ${quote(input.worktree)} && ${git} branch -D ${branch}`,
    `  prompts, outputs and verdicts: ${input.runDir}`,
  ];
}

function findings(list: readonly Finding[]): string[] {
  const lines = list.slice(0, MAX_REPORT_FINDINGS).map((finding) => {
    const where = finding.file === '' ? '' : ` ${finding.file}${finding.lineStart === null ? '' : `:${finding.lineStart}`}`;
    return `    - [${finding.severity}]${where} ${finding.title}`;
  });
  if (list.length > MAX_REPORT_FINDINGS) lines.push(`    - …and ${list.length - MAX_REPORT_FINDINGS} more (see the handoff)`);
  return lines;
}

/** A path as a shell word: quoted only when it needs to be. */
function quote(path: string): string {
  return /^[\w./@:+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
