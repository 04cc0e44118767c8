import type { FileOverride } from '../../merge/index.js';
import type { AttemptSummary } from './summary.js';

/** The repository's own handoff note (SPEC 6.9). */
export const REPO_HANDOFF_PATH = '.handoff.md';
const CURRENT_STATE = /^##[ \t]+CURRENT STATE[ \t]*\r?$/i;
const NEXT_SECTION = /^#{1,2}[ \t]/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/**
 * The squashMerge override that rewrites the `## CURRENT STATE` section of the repository's
 * `.handoff.md`, when it has one, keeping every other byte; a repository without the file or the
 * section is left alone.
 */
export function repoHandoffOverride(summary: Pick<AttemptSummary, 'task' | 'exit' | 'cycles' | 'changed' | 'nextSteps' | 'testCommand' | 'testsPassing'>, now = new Date()): FileOverride {
  return { path: REPO_HANDOFF_PATH, content: (current) => (current === null ? null : replaceCurrentState(current, currentStateBody(summary, now))) };
}

export function currentStateBody(summary: Pick<AttemptSummary, 'task' | 'exit' | 'cycles' | 'changed' | 'nextSteps' | 'testCommand' | 'testsPassing'>, now: Date): string {
  const statLine = summary.changed.trim().split('\n').at(-1)?.trim() ?? '';
  const lines = [`${summary.task.id}: ${summary.task.title} — landed by ccx on ${now.toISOString().slice(0, 10)} (${summary.exit} after ${summary.cycles} cycle${summary.cycles === 1 ? '' : 's'}).`];
  if (statLine !== '') lines.push(`Changed: ${statLine}.`);
  if (summary.testCommand !== null) lines.push(`Tests: \`${summary.testCommand}\` ${summary.testsPassing === false ? 'fails' : 'passes'}.`);
  if (summary.nextSteps.length > 0) lines.push('Next steps:', ...summary.nextSteps.map((step) => `- ${step.replace(/\s+/g, ' ').trim()}`));
  return lines.join('\n');
}

/**
 * `text` with the body of its `## CURRENT STATE` section replaced by `body` (heading and
 * everything outside the section byte for byte, the file's line endings kept), or null when the
 * file has no such section.
 */
export function replaceCurrentState(text: string, body: string): string | null {
  const lines = text.split('\n');
  let inFence: string | null = null;
  let start = -1;
  let end = lines.length;
  for (const [index, line] of lines.entries()) {
    const fence = FENCE.exec(line)?.[1];
    if (fence !== undefined && (inFence === null || fence.startsWith(inFence))) inFence = inFence === null ? fence : null;
    if (inFence !== null) continue;
    if (start < 0 && CURRENT_STATE.test(line)) start = index;
    else if (start >= 0 && NEXT_SECTION.test(line)) {
      end = index;
      break;
    }
  }
  if (start < 0) return null;
  const eol = (lines[start] ?? '').endsWith('\r') ? '\r\n' : '\n';
  const before = lines.slice(0, start + 1).join('\n');
  const after = lines.slice(end).join('\n');
  const middle = body.trim().split('\n').join(eol);
  if (end === lines.length) return `${before}\n${middle}${eol}`;
  return `${before}\n${middle}${eol}${eol}${after}`;
}
