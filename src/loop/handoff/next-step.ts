import type { AttemptSummary } from './summary.js';

/** A board task (T-<n>), as opposed to a `ccx loop` run (L-<n>), which has no row to flip. */
const BOARD_TASK = /^T-\d+$/;

/** Where the work of an attempt is: its squash commit once merged (worktree and branch are gone), else the worktree. */
export function whereLines(summary: AttemptSummary): string[] {
  if (summary.merged !== undefined) {
    return [
      `- Merged as ${summary.merged.sha} on ${summary.merged.integration}: \`git show ${summary.merged.sha}\` (the worktree and branch ${summary.branch} were removed)`,
      `- Prompts, outputs, verdicts and test logs: ${summary.runDir}`,
    ];
  }
  const base = summary.base.slice(0, 12);
  return [
    `- Worktree: ${summary.worktree} (branch ${summary.branch}, head ${summary.head.slice(0, 12)}, base ${base})`,
    `- Inspect: git -C ${summary.worktree} log --oneline ${base}..HEAD; git -C ${summary.worktree} diff ${base} HEAD`,
    `- Prompts, outputs, verdicts and test logs: ${summary.runDir}`,
  ];
}

/** The handoff's last line: what a person does now, with the exact commands. */
export function nextStep(summary: AttemptSummary): string {
  const id = summary.task.id;
  if (summary.merged !== undefined) return `Next: nothing to do; see what landed with \`git show ${summary.merged.sha}\`.`;
  const look = `look at the work (\`git -C ${summary.worktree} diff ${summary.base.slice(0, 12)} HEAD\`, ${summary.runDir})`;
  if (!BOARD_TASK.test(id)) {
    if (summary.mergeable) return `Next: review the branch and merge it yourself (\`git merge --squash ${summary.branch}\`), or \`ccx clean ${id}\` to drop it.`;
    return `Next: ${look}, then run \`ccx loop\` again, or \`ccx clean ${id}\` to drop the branch.`;
  }
  const retry = `set ${id} to pending in BOARD.md (\`ccx board\`) to retry`;
  const drop = `\`ccx clean ${id}\` removes its worktree and branch`;
  switch (summary.status) {
    case 'cancelled':
      return `Next: ${retry}, or ${drop}.`;
    case 'blocked':
    case 'failed':
      return `Next: ${look}; ${fixFor(summary)}then ${retry}, or ${drop}.`;
    case 'running':
    case 'pending':
    case undefined:
      return `Next: nothing yet: ccx goes on with ${id} by itself (\`ccx status\` shows where it is).`;
    default:
      return `Next: ${look}; \`ccx status\` shows where ${id} is.`;
  }
}

/** What to change before a retry, for the exits a retry alone would not fix. */
function fixFor(summary: AttemptSummary): string {
  switch (summary.exit) {
    case 'out-of-scope':
      return `undo the edits outside its scope (${summary.outOfScope.slice(0, 5).join(', ')}) or widen scope.include, `;
    case 'budget':
      return 'raise max_cost_usd on the row, ';
    case 'conflict':
      return 'resolve the conflict on the branch, ';
    case 'test-failed':
      return 'make the test command pass, ';
    default:
      return '';
  }
}
