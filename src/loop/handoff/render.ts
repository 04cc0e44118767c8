import { describeCounts } from '../verdict/filter.js';
import type { Finding } from '../types.js';
import { nextStep, whereLines } from './next-step.js';
import type { AttemptSummary } from './summary.js';

/** Findings listed in a handoff section before the rest are counted. */
export const MAX_HANDOFF_FINDINGS = 30;

/** SPEC 6.9: runs/<id>/.handoff.md, what a person needs to pick the task up. */
export function renderHandoff(summary: AttemptSummary): string {
  const { task } = summary;
  const status = summary.status ?? (summary.mergeable ? 'ready to merge' : 'not mergeable');
  const lines = [
    `# Handoff: ${task.id} — ${task.title}`,
    '',
    `- Status: ${status}`,
    `- Exit: ${summary.exit} — ${summary.message}`,
    `- Attempt ${task.attempt}, mode ${task.mode}, rung ${summary.rung}; ${summary.cycles} of ${summary.maxCycles} cycle${summary.maxCycles === 1 ? '' : 's'} used`,
    `- Tests: ${testsLine(summary)}`,
    `- Cost: $${summary.costUsd.toFixed(4)} this attempt, $${summary.taskCostUsd.toFixed(4)} for the task (agent-reported); tokens ${summary.tokens.input} in, ${summary.tokens.output} out`,
    `- Ended: ${summary.endedAt}`,
  ];
  if (summary.merged !== undefined) lines.push(`- Merged: ${summary.merged.sha} on ${summary.merged.integration}`);
  lines.push('', '## What changed', '', summary.changed.trim() === '' ? 'Nothing: the branch is at its base.' : fence(summary.changed.trimEnd()));
  if (summary.outOfScope.length > 0) lines.push('', `Out of scope (never merged while these stay): ${summary.outOfScope.join(', ')}`);
  lines.push('', '## Verdicts', '');
  if (summary.verdicts.length === 0) lines.push('No review finished.');
  for (const verdict of summary.verdicts) lines.push(`- cycle ${verdict.cycle}, ${verdict.reviewer}: ${verdict.verdict} (${describeCounts(verdict.counts)}; ${verdict.skipped} skipped, ${verdict.open} open)`);
  lines.push('', '## Unresolved findings', '', ...findingLines(summary.unresolved, 'None.'));
  lines.push('', `## Skipped findings (under min_severity ${task.minSeverity} or min_confidence ${task.minConfidence})`, '', ...findingLines(summary.skipped, 'None.'));
  lines.push('', "## The reviewer's next steps", '', ...(summary.nextSteps.length === 0 ? ['None given.'] : summary.nextSteps.map((step) => `- ${oneLine(step)}`)));
  lines.push('', '## Where the work is', '', ...whereLines(summary));
  for (const ref of summary.savedRefs) lines.push(`- Leftovers of an interrupted turn: ${ref} (git show --stat ${ref})`);
  lines.push('', nextStep(summary));
  return `${lines.join('\n')}\n`;
}

function testsLine(summary: AttemptSummary): string {
  if (summary.testCommand === null) return 'no test command configured';
  if (summary.testsPassing === null) return `\`${summary.testCommand}\` did not run`;
  return `\`${summary.testCommand}\` ${summary.testsPassing ? 'passes' : 'fails'}${summary.testLog === null ? '' : ` (log: ${summary.testLog})`}`;
}

/** `- [high, 0.9] src/x.ts:4 — title: body`, one line each, capped. */
export function findingLines(findings: readonly Finding[], none: string): string[] {
  if (findings.length === 0) return [none];
  const lines = findings.slice(0, MAX_HANDOFF_FINDINGS).map((finding) => {
    const where = finding.file === '' ? '' : ` ${finding.file}${finding.lineStart === null ? '' : `:${finding.lineStart}`}`;
    const body = oneLine(finding.body);
    return `- [${finding.severity}, ${finding.confidence}]${where} — ${oneLine(finding.title)}${body === '' ? '' : `: ${body}`}`;
  });
  if (findings.length > MAX_HANDOFF_FINDINGS) lines.push(`- …and ${findings.length - MAX_HANDOFF_FINDINGS} more`);
  return lines;
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function fence(text: string): string {
  return `\`\`\`\n${text}\n\`\`\``;
}
