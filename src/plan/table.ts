import { droppedNote } from './drafts.js';
import type { DraftedTask } from './types.js';
import { printable } from '../text/printable.js';

const MAX_TITLE_COLUMN = 48;
const MAX_SCOPE_COLUMN = 40;
/** The mark after a glob that matches no file yet. */
export const NEW_PATH_MARK = '(new)';

/** What `ccx plan` prints: the drafted rows, and what to review before flipping them to pending. */
export function draftedReport(drafted: readonly DraftedTask[], where: { board: string; tasks: string }): string {
  const rows = drafted.map((task) => [task.id, cut(task.title, MAX_TITLE_COLUMN), scopeSummary(task), task.dependsOnIds.length === 0 ? '-' : task.dependsOnIds.join(', '), task.modelStart].map((cell) => printable(cell)));
  const lines = columns([['ID', 'TITLE', 'SCOPE', 'DEPENDS ON', 'MODEL START'], ...rows]);
  const anyNew = drafted.some((task) => task.newPaths.length > 0);
  return [
    `Drafted ${drafted.length} task${drafted.length === 1 ? '' : 's'} in ${where.board} (status: draft):`,
    '',
    ...lines,
    ...(anyNew ? ['', `${NEW_PATH_MARK}: the glob matches no file yet, so the task creates it (the row's notes say which).`] : []),
    ...droppedLines(drafted),
    '',
    'Before you flip a row to pending, review:',
    `- its brief (${where.tasks}/<id>.md): the goal, the acceptance checklist, the test plan;`,
    '- its scope: the task may change only what the globs match, and tasks whose scopes overlap do not run at once;',
    '- depends_on (a task waits until those are merged) and model_start (the rung it starts on).',
    'Edit the rows with `ccx board`; the daemon leaves drafts alone until you set status: pending.',
    '',
  ].join('\n');
}

/** The globs ccx took out of the rows' scopes, each with why (the rows' notes say the same). */
function droppedLines(drafted: readonly DraftedTask[]): string[] {
  const lines = drafted.flatMap((task) => task.dropped.map((path) => printable(`- ${task.id}: ${droppedNote(path)}`)));
  return lines.length === 0 ? [] : ['', 'Dropped from a scope (named in the row\'s notes too):', ...lines];
}

/** The first include glob (marked when it matches no file yet) and how many more there are. */
function scopeSummary(task: DraftedTask): string {
  const isNew = (glob: string, field: 'include' | 'exclude') => task.newPaths.some((path) => path.glob === glob && path.field === field);
  const [first, ...rest] = task.scope.include;
  const shown = first === undefined ? '(whole repository)' : `${cut(first, MAX_SCOPE_COLUMN)}${isNew(first, 'include') ? ` ${NEW_PATH_MARK}` : ''}`;
  const more = rest.length + task.scope.exclude.length;
  const moreNew = rest.some((glob) => isNew(glob, 'include')) || task.scope.exclude.some((glob) => isNew(glob, 'exclude'));
  return more === 0 ? shown : `${shown} +${more} more${moreNew ? ` ${NEW_PATH_MARK}` : ''}`;
}

/** Left-aligned columns two spaces apart. */
function columns(table: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of table) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
