import type { TaskRow } from '../board/types.js';

/** The ids `row` depends on that are still `draft`: never dispatched, so the row waits for a person. */
export function draftDependencies(row: Pick<TaskRow, 'dependsOn'>, statusById: ReadonlyMap<string, string>): string[] {
  return row.dependsOn.filter((id) => statusById.get(id) === 'draft');
}

/** What a pending row that waits on drafts says: `T-18 is a draft: flip it to pending`. */
export function describeDraftWait(drafts: readonly string[]): string {
  if (drafts.length === 1) return `${drafts[0] ?? ''} is a draft: flip it to pending`;
  return `${drafts.slice(0, -1).join(', ')} and ${drafts.at(-1) ?? ''} are drafts: flip them to pending`;
}

/** Each pending row of `rows` that depends on a draft, with what it says (for readers without a daemon). */
export function draftWaits(rows: readonly TaskRow[]): Map<string, string> {
  const statusById = new Map(rows.map((row) => [row.id, row.status]));
  const waits = new Map<string, string>();
  for (const row of rows) {
    if (row.status !== 'pending') continue;
    const drafts = draftDependencies(row, statusById);
    if (drafts.length > 0) waits.set(row.id, describeDraftWait(drafts));
  }
  return waits;
}
