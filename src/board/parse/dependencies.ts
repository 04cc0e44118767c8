import type { RowReading } from './row.js';

import type { LocalProblem } from './yaml-block.js';

/**
 * The problems that only show across rows: duplicate ids, depends_on naming no row, and dependency
 * cycles, by row index. Every row involved gets its own problem, so each is skipped and reported.
 * The readings themselves are not changed (they are cached per row).
 */
export function checkAcrossRows(readings: readonly RowReading[]): Map<number, LocalProblem[]> {
  const extra = new Map<number, LocalProblem[]>();
  const add = (reading: RowReading, problem: LocalProblem) => {
    const index = readings.indexOf(reading);
    extra.set(index, [...(extra.get(index) ?? []), problem]);
  };
  const byId = new Map<string, RowReading[]>();
  for (const reading of readings) {
    if (reading.id === null) continue;
    byId.set(reading.id, [...(byId.get(reading.id) ?? []), reading]);
  }
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const reading of group) {
      const others = group.filter((other) => other !== reading).map((other) => `row ${readings.indexOf(other) + 1}`);
      add(reading, { offset: reading.idOffset, message: `${id}: the same id is used by ${others.join(' and ')}; ids must be unique, so none of these rows runs until one is renumbered.` });
    }
  }
  for (const reading of readings) {
    for (const dependency of reading.dependsOn) {
      if (!byId.has(dependency)) {
        add(reading, {
          offset: reading.dependsOnOffset,
          message: `${reading.id ?? 'this row'}: depends_on names ${dependency}, but no row has that id; remove it or add the row.`,
        });
      }
    }
  }
  for (const cycle of findCycles(readings)) {
    const path = [...cycle, cycle[0]].join(' → ');
    for (const id of cycle) {
      const reading = byId.get(id)?.[0];
      if (reading !== undefined) add(reading, { offset: reading.dependsOnOffset, message: `${id}: depends_on forms a cycle (${path}), so none of these tasks could ever start; break the cycle.` });
    }
  }
  return extra;
}

/** Every dependency cycle, each as the ids along it (a self-dependency is a cycle of one). Iterative: a long chain must not overflow the stack. */
function findCycles(readings: readonly RowReading[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const reading of readings) {
    if (reading.id !== null && !edges.has(reading.id)) edges.set(reading.id, reading.dependsOn);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const cursors: number[] = [0];
    state.set(root, 'visiting');
    while (path.length > 0) {
      const id = path[path.length - 1] as string;
      const next = (edges.get(id) ?? [])[cursors[cursors.length - 1] ?? 0];
      if (next === undefined) {
        state.set(id, 'done');
        path.pop();
        cursors.pop();
        continue;
      }
      cursors[cursors.length - 1] = (cursors[cursors.length - 1] ?? 0) + 1;
      if (!edges.has(next)) continue;
      if (state.get(next) === 'visiting') {
        const cycle = path.slice(path.indexOf(next));
        const key = [...cycle].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) {
        state.set(next, 'visiting');
        path.push(next);
        cursors.push(0);
      }
    }
  }
  return cycles;
}
