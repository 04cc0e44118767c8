import { describeCounts } from '../verdict/filter.js';
import { findingLines } from './render.js';
import type { AttemptSummary } from './summary.js';

/** The squash commit's body (SPEC 6.8): how it ended, cycles, verdicts, tests and skipped findings. */
export function commitBody(summary: Omit<AttemptSummary, 'status' | 'merged'>): string {
  const { task } = summary;
  const lines = [summary.message, '', `Cycles: ${summary.cycles} (mode ${task.mode}, attempt ${task.attempt}, rung ${summary.rung})`, 'Verdicts:'];
  if (summary.verdicts.length === 0) lines.push('- none');
  for (const verdict of summary.verdicts) lines.push(`- c${verdict.cycle} ${verdict.reviewer}: ${verdict.verdict} (${describeCounts(verdict.counts)})`);
  const tests = summary.testCommand === null ? 'none configured' : `${summary.testsPassing === true ? 'passing' : summary.testsPassing === false ? 'failing' : 'not run'} (${summary.testCommand})`;
  lines.push(`Tests: ${tests}`);
  if (summary.skipped.length > 0) {
    lines.push(`Skipped findings (under min_severity ${task.minSeverity} or min_confidence ${task.minConfidence}):`, ...findingLines(summary.skipped, ''));
  }
  if (summary.taskCostUsd > 0) lines.push(`Cost: $${summary.taskCostUsd.toFixed(4)} (agent-reported)`);
  return `${lines.join('\n')}\n`;
}
