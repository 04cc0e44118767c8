import type { BranchDiff } from '../../git/index.js';
import type { AttemptTask, Finding } from '../types.js';
import { MAX_DIFF_BYTES, MAX_FINDING_CHARS, MAX_PROMPT_FINDINGS, MAX_STAT_BYTES } from './limits.js';

/** A fenced block whose fence is longer than any backtick run inside, so content cannot close it. */
export function fenced(content: string, info = ''): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${content.endsWith('\n') ? content : `${content}\n`}${fence}`;
}

/** `text` cut to `maxBytes` of UTF-8 (at a line end when one is near), and whether it was cut. */
export function cutBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, cut: false };
  let kept = bytes.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
  const lastNewline = kept.lastIndexOf('\n');
  if (lastNewline > kept.length * 0.8) kept = kept.slice(0, lastNewline + 1);
  return { text: kept, cut: true };
}

export function cutChars(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [cut by ccx: ${text.length - max} more characters]`;
}

export function header(kind: string, task: AttemptTask, cycle: number, maxCycles: number): string {
  return `# ccx ${kind} turn · ${task.id}: ${task.title}\nCycle ${cycle} of ${maxCycles} · attempt ${task.attempt} · mode ${task.mode}`;
}

export function briefSection(brief: string, direction: string): string {
  const parts = [`## Brief\n\n${brief.trim()}`];
  if (direction.trim() !== '') parts.push(`## Direction (from the board)\n\n${direction.trim()}`);
  return parts.join('\n\n');
}

export function scopeSection(task: AttemptTask): string {
  if (task.scope.include.length === 0 && task.scope.exclude.length === 0) return '## Scope\n\nThe whole repository.';
  const lines = ['## Scope', '', 'Changes are allowed only under these git pathspecs; ccx checks every turn, and a change outside them blocks the merge.'];
  lines.push(`- include: ${task.scope.include.length === 0 ? '(the whole repository)' : task.scope.include.join(', ')}`);
  if (task.scope.exclude.length > 0) lines.push(`- exclude: ${task.scope.exclude.join(', ')}`);
  return lines.join('\n');
}

/** The current diff against the base, capped at MAX_DIFF_BYTES with a note that says how to see the rest. */
export function diffSection(diff: BranchDiff, base: string, title = 'Changes on the task branch so far'): string {
  const range = `git diff ${base.slice(0, 12)} HEAD`;
  if (diff.patch.trim() === '') return `## ${title} (${range})\n\nNo changes yet.`;
  const stat = cutBytes(diff.stat, MAX_STAT_BYTES);
  const patch = cutBytes(diff.patch, MAX_DIFF_BYTES);
  const lines = [`## ${title} (${range})`, '', fenced(stat.text.trimEnd()), '', fenced(patch.text, 'diff')];
  if (patch.cut) {
    const total = Buffer.byteLength(diff.patch, 'utf8');
    lines.push('', `[ccx: the diff is ${kib(total)}; only its first ${kib(MAX_DIFF_BYTES)} are shown. Read the files in the worktree, or run \`${range}\`, for the rest.]`);
  }
  return lines.join('\n');
}

/** Open findings, capped at MAX_PROMPT_FINDINGS, each body capped at MAX_FINDING_CHARS. */
export function findingsList(findings: readonly Finding[]): string {
  const shown = findings.slice(0, MAX_PROMPT_FINDINGS).map((finding, index) => {
    const where = finding.file === '' ? '' : ` ${finding.file}${finding.lineStart === null ? '' : `:${finding.lineStart}`}`;
    const lines = [`${index + 1}. [${finding.severity} · ${source(finding)}]${where} — ${finding.title}`];
    if (finding.body.trim() !== '') lines.push(indent(cutChars(finding.body.trim(), MAX_FINDING_CHARS)));
    if (finding.recommendation.trim() !== '') lines.push(indent(`Recommendation: ${cutChars(finding.recommendation.trim(), MAX_FINDING_CHARS)}`));
    return lines.join('\n');
  });
  if (findings.length > MAX_PROMPT_FINDINGS) shown.push(`[ccx: ${findings.length - MAX_PROMPT_FINDINGS} more findings are not shown; fix these first.]`);
  return shown.join('\n');
}

function source(finding: Finding): string {
  if (finding.source === 'reviewer') return `confidence ${finding.confidence}`;
  return { scope: 'ccx scope check', tests: 'ccx test run', conflict: 'ccx merge check' }[finding.source];
}

function indent(text: string): string {
  return text.split('\n').map((line) => `   ${line}`.trimEnd()).join('\n');
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024)} KiB`;
}
