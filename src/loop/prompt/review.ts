import type { CheckState, Finding } from '../types.js';
import { VERDICT_SCHEMA } from '../verdict/schema.js';
import { briefSection, cutChars, diffSection, fenced, findingsList, header, scopeSection } from './blocks.js';
import { MAX_NOTE_CHARS } from './limits.js';
import type { WorkPromptInput } from './work.js';

export interface ReviewPromptInput extends WorkPromptInput {
  /** The findings the last work turn was asked to fix. */
  open: readonly Finding[];
  checks: CheckState;
  /** Set when the last work turn changed nothing: the implementer's answer. */
  emptyTurnNote: string | null;
}

/** The reviewer's turn: read-only, the brief, the diff, what was to be fixed, and the verdict schema. */
export function reviewPrompt(input: ReviewPromptInput): string {
  const parts = [
    header('review', input.task, input.cycle, input.maxCycles),
    [
      'You are the reviewer. Read only: do not edit, create or delete any file. Your working directory is the task branch\'s worktree, at the commit under review.',
      'Check the change against the brief: correctness, missing pieces, tests, and anything the Direction rules out. Report real problems only, each once, with the file and line. Approve when nothing needs to change.',
    ].join('\n'),
    briefSection(input.brief, input.direction),
    scopeSection(input.task),
    diffSection(input.diff, input.base, 'The change under review'),
  ];
  if (input.open.length > 0) {
    parts.push(`## Findings the implementer was asked to fix (${input.open.length})\n\nCheck each one. Report it again, in the same words, if it is not fixed.\n\n${findingsList(input.open)}`);
  }
  if (input.emptyTurnNote !== null) {
    const note = input.emptyTurnNote.trim() === '' ? '(no answer)' : cutChars(input.emptyTurnNote.trim(), MAX_NOTE_CHARS);
    parts.push(`## The implementer changed nothing this turn\n\nIts answer:\n\n${fenced(note)}`);
  }
  parts.push(`## ccx's own checks\n\n${checksText(input.checks, input.testCommand)}`);
  parts.push(
    [
      '## Your answer',
      '',
      'Answer with one JSON object and nothing else, matching this schema (every field present; "file" is "" and the lines null when a finding is not about one file; confidence from 0 to 1):',
      '',
      fenced(JSON.stringify(VERDICT_SCHEMA), 'json'),
      '',
      '"verdict" is "approve" when nothing needs to change, else "needs-attention". "next_steps" lists what should happen next, for a person reading the handoff.',
    ].join('\n'),
  );
  return parts.join('\n\n');
}

function checksText(checks: CheckState, testCommand: string | null): string {
  const lines: string[] = [];
  if (testCommand === null) lines.push('- Tests: no test command is configured.');
  else if (checks.test === null) lines.push(`- Tests: \`${testCommand}\` has not run.`);
  else lines.push(`- Tests: \`${testCommand}\` ${checks.test.passed ? 'passed' : `failed (exit ${checks.test.exitCode ?? 'none'}); ccx reports it itself`}.`);
  lines.push(checks.outOfScope.length === 0 ? '- Scope: every changed path is in scope.' : `- Scope: ${checks.outOfScope.length} changed path(s) are out of scope; ccx reports them itself.`);
  return lines.join('\n');
}
