import { describe, expect, it } from 'vitest';
import { appendRowEdits, applyEdits, setFieldEdits } from '../../src/board/edit/index.js';
import { BoardParser, parseBoard } from '../../src/board/parse/parser.js';
import type { OwnedFields, OwnedValue } from '../../src/board/types.js';

/** A small seeded generator, so a failure names a seed that reproduces it. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T, chance: (p: number) => next() < p };
}

const TITLES = ['plain title', '"double: quoted"', "'single # quoted'", 'ünïcödé words', '"with \\"escapes\\""'];
const VALUES: OwnedValue[] = [null, 0, 7, 'running', 'a: colon', '# hash', 'multi\nline', '', ' spaced ', '/tmp/with space/x', "it's", 'true', '日本', 'x'.repeat(200)];
const FIELDS = ['attempts', 'worktree', 'branch', 'worker_pid', 'started_at', 'exit_status', 'commit', 'error', 'status'] as const;

function makeBoard(rng: ReturnType<typeof random>): { text: string; ids: string[] } {
  const eol = rng.chance(0.3) ? '\r\n' : '\n';
  const indent = rng.chance(0.3) ? '  ' : '';
  const count = 1 + Math.floor(rng.next() * 7);
  const rows: string[] = [];
  const ids: string[] = [];
  for (let index = 1; index <= count; index += 1) {
    const id = `T-${index}`;
    ids.push(id);
    if (rng.chance(0.15)) {
      rows.push(`${indent}- {id: ${id}, title: flow ${index}, status: pending${rng.chance(0.5) ? ', attempts: 1' : ''}}${rng.chance(0.3) ? '  # flow' : ''}`);
      continue;
    }
    const lines = [`${indent}- id: ${id}`, `${indent}  title: ${rng.pick(TITLES)}${rng.chance(0.2) ? '   # note' : ''}`, `${indent}  status: ${rng.pick(['draft', 'pending', 'running', 'assigned'])}`];
    if (rng.chance(0.4)) lines.push(`${indent}  scope:`, `${indent}    include:`, `${indent}      - src/${index}/**`, `${indent}    exclude: []`);
    if (rng.chance(0.3)) lines.push(`${indent}  worktree:`);
    if (rng.chance(0.3)) lines.push(`${indent}  attempts: ${index}`);
    if (rng.chance(0.2)) lines.push(`${indent}  commit: "abc${index}"`);
    if (rng.chance(0.2)) {
      if (rng.chance(0.5)) lines.push(`${indent}  error: 'old error'  # why`);
      else lines.push(`${indent}  error: |`, `${indent}    old`, `${indent}    error`);
    }
    if (rng.chance(0.2)) lines.push(`${indent}  # a comment inside the row`);
    if (rng.chance(0.4)) lines.push(`${indent}  notes: |`, `${indent}    line one of ${id}`, '', `${indent}    line three`);
    rows.push(lines.join(eol));
  }
  const separator = rng.chance(0.5) ? `${eol}${eol}` : eol;
  const bom = rng.chance(0.2) ? '\uFEFF' : '';
  const text = `${bom}# Board${eol}${eol}## Direction${eol}${eol}Prose *stays*.${eol}${eol}## Tasks${eol}${eol}\`\`\`yaml${eol}# comment first${eol}${rows.join(separator)}${eol}\`\`\`${eol}${eol}After.${eol}`;
  return { text, ids };
}

function sourceOf(text: string, id: string): string {
  const board = parseBoard(text);
  const layout = board.rowLayouts.get(id);
  return layout === undefined ? '' : board.body.slice(layout.start, layout.end);
}

describe('board edits on generated boards', () => {
  it('change only the row they target, and read back as written', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const rng = random(seed);
      const { text, ids } = makeBoard(rng);
      const board = parseBoard(text);
      expect(board.problems, `seed ${seed}`).toEqual([]);
      const target = rng.pick(ids);
      const fields: OwnedFields = {};
      for (const field of FIELDS) if (rng.chance(0.35)) fields[field] = field === 'status' ? rng.pick(['running', 'merged', 'failed']) : field === 'attempts' || field === 'worker_pid' ? Math.floor(rng.next() * 100) : rng.pick(VALUES);
      const after = applyEdits(board.body, setFieldEdits(board, target, fields), board.bom);
      const reread = parseBoard(after);
      expect(reread.problems, `seed ${seed}`).toEqual([]);
      const row = reread.rows.find((candidate) => candidate.id === target);
      for (const [field, value] of Object.entries(fields)) expect(row?.fields[field] ?? null, `seed ${seed} ${field}`).toEqual(value);
      for (const id of ids.filter((other) => other !== target)) expect(sourceOf(after, id), `seed ${seed} ${id}`).toBe(sourceOf(text, id));
      const blockStart = text.indexOf('```yaml');
      expect(after.slice(0, blockStart), `seed ${seed}`).toBe(text.slice(0, blockStart));
      expect(after.slice(after.lastIndexOf('```')), `seed ${seed}`).toBe(text.slice(text.lastIndexOf('```')));

      const appended = applyEdits(reread.body, appendRowEdits(reread, [{ id: `T-${ids.length + 1}`, title: rng.pick(['new: row', 'plain']), status: 'draft', notes: rng.chance(0.5) ? 'two\nlines\n' : undefined }]), reread.bom);
      const withRow = parseBoard(appended);
      expect(withRow.problems, `seed ${seed}`).toEqual([]);
      expect(withRow.rows.map((candidate) => candidate.id), `seed ${seed}`).toEqual([...reread.rows.map((candidate) => candidate.id), `T-${ids.length + 1}`]);
      const end = reread.block?.contentEnd ?? 0;
      expect(appended.startsWith(after.slice(0, end + (reread.bom ? 1 : 0))), `seed ${seed}`).toBe(true);
      expect(appended.endsWith(after.slice(end + (reread.bom ? 1 : 0))), `seed ${seed}`).toBe(true);
    }
  });

  it('a parser that keeps its cache reads the same as a fresh one after each edit', () => {
    const parser = new BoardParser();
    for (let seed = 301; seed <= 400; seed += 1) {
      const rng = random(seed);
      const { text, ids } = makeBoard(rng);
      let current = parser.parse(text);
      for (let step = 0; step < 5; step += 1) {
        const target = rng.pick(ids);
        const next = applyEdits(current.body, setFieldEdits(current, target, { attempts: step, error: rng.pick(VALUES) }), current.bom);
        current = parser.parse(next);
        const fresh = parseBoard(next);
        expect(current.rows, `seed ${seed} step ${step}`).toEqual(fresh.rows);
        expect(current.problems).toEqual(fresh.problems);
        expect([...current.rowLayouts]).toEqual([...fresh.rowLayouts]);
      }
    }
  });
});
