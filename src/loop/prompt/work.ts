import type { BranchDiff } from '../../git/index.js';
import type { AttemptTask, Finding } from '../types.js';
import { briefSection, diffSection, findingsList, header, scopeSection } from './blocks.js';

export interface WorkPromptInput {
  task: AttemptTask;
  brief: string;
  direction: string;
  testCommand: string | null;
  base: string;
  diff: BranchDiff;
  cycle: number;
  maxCycles: number;
}

const RULES = [
  'Work only in your current directory, a git worktree of the task branch. Edit files directly.',
  'Do not commit, switch branches, merge or rebase: ccx commits your work after the turn, checks its scope, runs the tests and has a reviewer read it.',
];

function testLine(testCommand: string | null): string {
  return testCommand === null ? 'No test command is configured.' : `ccx runs \`${testCommand}\` after your turn; a failure comes back as a finding.`;
}

/** The first turn of a cycle-1 attempt: implement the brief. */
export function implementPrompt(input: WorkPromptInput): string {
  return [
    header('implement', input.task, input.cycle, input.maxCycles),
    ['You are the implementer. Make the change the brief asks for, completely, within the scope.', ...RULES, testLine(input.testCommand)].join('\n'),
    briefSection(input.brief, input.direction),
    scopeSection(input.task),
    diffSection(input.diff, input.base),
    '## Your answer\n\nWhen you are done, reply with a short summary of what you changed and why.',
  ].join('\n\n');
}

/** A fix turn: the open findings; in duet mode after a clean review, a second look. */
export function fixPrompt(input: WorkPromptInput & { findings: readonly Finding[] }): string {
  const findings =
    input.findings.length === 0
      ? '## Findings\n\nThe last review found nothing to change. Check the work against the brief once more. If nothing needs to change, change nothing and say so: two approvals in a row with no change between them finish the task.'
      : `## Findings to fix (${input.findings.length})\n\n${findingsList(input.findings)}`;
  return [
    header('fix', input.task, input.cycle, input.maxCycles),
    [
      'You are the implementer. The work so far was reviewed; fix every finding below. If you are sure a finding is wrong, leave the code as it is and say why in your answer: the reviewer reads it.',
      ...RULES,
      testLine(input.testCommand),
    ].join('\n'),
    briefSection(input.brief, input.direction),
    scopeSection(input.task),
    diffSection(input.diff, input.base),
    findings,
    '## Your answer\n\nReply with a short summary: what you changed for each finding, or why you left it.',
  ].join('\n\n');
}

/** SPEC 6.8's resolve turn: the integration branch was merged in and left conflict markers. */
export function resolvePrompt(input: WorkPromptInput & { integration: string; integrationHead: string; conflicts: readonly string[] }): string {
  const files = input.conflicts.length === 0 ? 'none (the merge went through; check that the result still does what the brief asks)' : input.conflicts.map((file) => `- ${file}`).join('\n');
  return [
    header('resolve', input.task, input.cycle, input.maxCycles),
    [
      `You are the implementer. The branch ${input.integration} (at ${input.integrationHead.slice(0, 12)}) moved on and was merged into this task branch; the merge is in progress in your worktree.`,
      'Resolve every conflict: remove all conflict markers (<<<<<<<, =======, >>>>>>>) and keep both what the task needs and what the other side changed. Change nothing else.',
      ...RULES,
      testLine(input.testCommand),
    ].join('\n'),
    `## Files with conflicts\n\n${files}`,
    briefSection(input.brief, input.direction),
    scopeSection(input.task),
    diffSection(input.diff, input.base, "The task's own changes before the merge"),
    '## Your answer\n\nReply with a short summary of how you resolved each file.',
  ].join('\n\n');
}
