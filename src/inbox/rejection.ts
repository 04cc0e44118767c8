/** The `<name>.error.txt` left beside a rejected submission: why, and what to do. */
export function rejectionText(name: string, reason: string, inbox: string, now = new Date()): string {
  return [
    `ccx did not accept ${name} (${now.toISOString()}).`,
    '',
    `Why: ${reason}`,
    '',
    `What to do: fix the file and put it back in ${inbox} (this copy and its .error.txt may be deleted then).`,
    '',
    'A submission looks like this:',
    '',
    '---',
    'title: Add a --verbose flag to the CLI',
    'scope:',
    '  include: [src/cli/**]',
    'priority: normal        # high, normal or low',
    '# depends_on: [T-3]     # tasks that must be merged first',
    '# status: draft         # default pending: draft keeps it from running until you flip it',
    '---',
    'What to do and why, in Markdown. It becomes the task\'s brief (its Goal section,',
    'unless you write all six sections: Goal, Acceptance, Context, Out of scope, Test plan, Decisions).',
    '',
  ].join('\n');
}
