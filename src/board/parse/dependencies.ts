import type { RowReading } from './row.js';

import type { LocalProblem } from './yaml-block.js';

/**
 * The problems that only show across rows: duplicate ids, depends_on naming no row, and dependency
 * cycles, by row index. Every row involved gets its own problem, so each is skipped and reported.
 * The readings themselves are not changed (they are cached per row).
 */
export function checkAcrossRows(readings: readonly RowReading[]): Map<number, LocalProblem[]> {
  const extra = new Map<number, LocalProblem[]>();
  const add = (index: number, problem: LocalProblem) => {
    const problems = extra.get(index);
    if (problems === undefined) extra.set(index, [problem]);
    else problems.push(problem);
  };
  // Each id's rows by index; a second row with an id is rare, so most ids hold one number, not a list.
  const byId = new Map<string, number | number[]>();
  readings.forEach((reading, index) => {
    if (reading.id === null) return;
    const seen = byId.get(reading.id);
    if (seen === undefined) byId.set(reading.id, index);
    else if (typeof seen === 'number') byId.set(reading.id, [seen, index]);
    else seen.push(index);
  });
  for (const [id, group] of byId) {
    if (typeof group === 'number') continue;
    for (const index of group) {
      const others = group.filter((other) => other !== index).map((other) => `row ${other + 1}`);
      add(index, { offset: (readings[index] as RowReading).idOffset, message: `${id}: the same id is used by ${others.join(' and ')}; ids must be unique, so none of these rows runs until one is renumbered.` });
    }
  }
  readings.forEach((reading, index) => {
    for (const dependency of reading.dependsOn) {
      if (!byId.has(dependency)) {
        add(index, {
          offset: reading.dependsOnOffset,
          message: `${reading.id ?? 'this row'}: depends_on names ${dependency}, but no row has that id; remove it or add the row.`,
        });
      }
    }
  });
  for (const cycle of findCycles(readings)) {
    const path = [...cycle, cycle[0]].join(' → ');
    for (const id of cycle) {
      const group = byId.get(id);
      const index = typeof group === 'number' ? group : group?.[0];
      if (index !== undefined) add(index, { offset: (readings[index] as RowReading).dependsOnOffset, message: `${id}: depends_on forms a cycle (${path}), so none of these tasks could ever start; break the cycle.` });
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
  for (const [root, out] of edges) {
    // A row that depends on nothing is on no cycle (and most rows depend on nothing).
    if (out.length === 0 || state.has(root)) continue;
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
