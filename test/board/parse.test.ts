import { describe, expect, it } from 'vitest';
import { BoardParser, parseBoard } from '../../src/board/parse/parser.js';
import type { BoardProblem } from '../../src/board/types.js';

const board = (yaml: string, before = '# Board\n\n## Direction\n\nGo.\n\n## Tasks\n\n') => `${before}\`\`\`yaml\n${yaml}\`\`\`\n`;
const show = (problems: BoardProblem[]) => problems.map((problem) => `${problem.line}:${problem.column} ${problem.level} ${problem.message}`);

describe('problems with the whole board (nothing new is dispatched, ccx does not rewrite it)', () => {
  it('YAML that does not parse, at its line and column in BOARD.md', () => {
    const parsed = parseBoard(board('- id: T-1\n  title: [unclosed\n  status: pending\n'));
    expect(parsed.valid).toBe(false);
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "12:3 file the Tasks YAML does not parse: Flow sequence in block collection must be sufficiently indented and end with a ]",
      ]
    `);
  });

  it('no Tasks heading', () => {
    expect(show(parseBoard('# Board\n\nJust prose.\n').problems)).toMatchInlineSnapshot(`
      [
        "1:1 file BOARD.md has no \`## Tasks\` heading; ccx reads its tasks from the \`\`\`yaml block under it. Add:

      ## Tasks

      \`\`\`yaml
      - id: T-1
        title: …
        status: draft
      \`\`\`",
      ]
    `);
  });

  it('two yaml blocks under Tasks', () => {
    const parsed = parseBoard(`${board('- id: T-1\n  title: a\n  status: draft\n')}\n\`\`\`yaml\n- id: T-2\n  title: b\n  status: draft\n\`\`\`\n`);
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "15:1 file the \`## Tasks\` section has 2 \`\`\`yaml blocks (the first on line 9); ccx reads exactly one, so merge them.",
      ]
    `);
  });

  it('a block that is not a list', () => {
    expect(show(parseBoard(board('id: T-1\ntitle: a\n')).problems)).toMatchInlineSnapshot(`
      [
        "10:1 file the Tasks block must be a YAML list of rows (each starting with \`- id: T-<n>\`), but it is a mapping.",
      ]
    `);
  });

  it('a board over 5 MiB', () => {
    const parsed = parseBoard(board(`- id: T-1\n  title: a\n  status: draft\n  notes: "${'x'.repeat(6 * 1024 * 1024)}"\n`));
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "1:1 file BOARD.md is 6.0 MiB; ccx reads boards up to 5 MiB. Move finished rows or long notes elsewhere.",
      ]
    `);
  });

  it('a YAML alias bomb', () => {
    const bomb = ['- id: T-1', '  title: a', '  status: draft', '  notes: &a [x, x, x, x, x, x, x, x, x]', '- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', '- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', '- [*c, *c, *c, *c, *c, *c, *c, *c, *c]', ''].join('\n');
    const parsed = parseBoard(board(bomb));
    expect(parsed.valid).toBe(false);
    expect(show(parsed.problems)[0]).toMatch(/^14:7 file the Tasks YAML uses aliases that expand past 20 nodes/);
  });

  it('an unclosed fence', () => {
    expect(show(parseBoard('## Tasks\n\n```yaml\n- id: T-1\n').problems)).toMatchInlineSnapshot(`
      [
        "3:1 file the \`\`\`yaml block under \`## Tasks\` has no closing fence; end it with a line of \`\`\`.",
      ]
    `);
  });
});

describe('problems with one row (that row is skipped, the others go on)', () => {
  const valid = '- id: T-1\n  title: fine\n  status: pending\n';

  it('a row without id or title', () => {
    const parsed = parseBoard(board(`${valid}- title: no id\n  status: pending\n- id: T-3\n  status: pending\n`));
    expect(parsed.valid).toBe(true);
    expect(parsed.rows.map((row) => row.id)).toEqual(['T-1']);
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "13:3 row row 2: id is missing; every row needs one, of the form T-<n> (T-1, T-2, …).",
        "15:3 row T-3: title is missing; every row needs one.",
      ]
    `);
  });

  it('duplicate ids', () => {
    const parsed = parseBoard(board(`${valid}- id: T-2\n  title: a\n  status: draft\n- id: T-2\n  title: b\n  status: draft\n`));
    expect(parsed.rows.map((row) => row.id)).toEqual(['T-1']);
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "13:7 row T-2: the same id is used by row 3; ids must be unique, so none of these rows runs until one is renumbered.",
        "16:7 row T-2: the same id is used by row 2; ids must be unique, so none of these rows runs until one is renumbered.",
      ]
    `);
  });

  it('an id not of the form T-<n>, and an unknown status', () => {
    const parsed = parseBoard(board(`${valid}- id: task-2\n  title: a\n  status: draft\n- id: T-3\n  title: b\n  status: done\n`));
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "13:7 row row 2: id must have the form T-<n> (T-1, T-2, …), but it is "task-2".",
        "18:11 row T-3: status must be one of draft, pending, running, merged, blocked, failed, cancelled, but it is "done".",
      ]
    `);
  });

  it('depends_on naming an unknown id, and a dependency cycle', () => {
    const parsed = parseBoard(board(`${valid}- id: T-2\n  title: a\n  status: pending\n  depends_on: [T-9]\n- id: T-3\n  title: b\n  status: pending\n  depends_on: [T-4]\n- id: T-4\n  title: c\n  status: pending\n  depends_on: [T-3]\n`));
    expect(parsed.rows.map((row) => row.id)).toEqual(['T-1']);
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "16:15 row T-2: depends_on names T-9, but no row has that id; remove it or add the row.",
        "20:15 row T-3: depends_on forms a cycle (T-3 → T-4 → T-3), so none of these tasks could ever start; break the cycle.",
        "24:15 row T-4: depends_on forms a cycle (T-3 → T-4 → T-3), so none of these tasks could ever start; break the cycle.",
      ]
    `);
  });

  it('a scope entry with a NUL or a newline', () => {
    const parsed = parseBoard(board(`${valid}- id: T-2\n  title: a\n  status: pending\n  scope:\n    include: ["src/\\0x"]\n- id: T-3\n  title: b\n  status: pending\n  scope: ["docs/\\nx"]\n`));
    expect(show(parsed.problems)).toMatchInlineSnapshot(`
      [
        "17:5 row T-2: scope.include entry 1 contains a NUL character, which no path can hold.",
        "21:10 row T-3: scope.include entry 1 contains a line break; a pathspec must be one line.",
      ]
    `);
  });

  it('a number YAML writes as .inf or .nan is named that way, not as null', () => {
    const parsed = parseBoard(board(`${valid}- id: T-2\n  title: a\n  status: pending\n  max_cost_usd: .inf\n  min_confidence: .nan\n`));
    expect(show(parsed.problems).map((line) => line.replace(/^\d+:\d+ row T-2: /, ''))).toEqual([
      'max_cost_usd must be a number above 0, but it is .inf.',
      expect.stringMatching(/^min_confidence must be .*, but it is \.nan\.$/),
    ]);
  });

  it('a mistyped field name skips the row rather than silently dropping a dependency', () => {
    const parsed = parseBoard(board(`${valid}- id: T-2\n  title: a\n  status: pending\n  dependson: [T-1]\n`));
    expect(show(parsed.problems)).toEqual([expect.stringMatching(/^16:3 row T-2: dependson is not a row field \(did you mean depends_on\?\)/)]);
  });

  it('reads a row\'s fields with their defaults', () => {
    const parsed = parseBoard(board('- id: T-7\n  title: " spaced "\n  status: review\n  scope: src/**\n  depends_on: T-7x\n'));
    expect(parsed.rows).toEqual([]);
    const good = parseBoard(board('- id: T-7\n  title: Add it\n  status: review\n  scope: src/**\n  mode: duet\n  loops: 3\n  codex_first: true\n'));
    expect(good.rows[0]).toMatchObject({ id: 'T-7', number: 7, status: 'running', statusAsWritten: 'review', scope: { include: ['src/**'], exclude: [] }, mode: 'duet', loops: 3, codexFirst: true, priority: 'normal', maxCycles: 100, minSeverity: 'low', modelStart: null, position: { line: 10, column: 3 } });
  });
});

describe('parsing again after an edit', () => {
  it('gives the same rows and problems as a fresh parse, whichever path it takes', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `- id: T-${i + 1}\n  title: row ${i}\n  status: ${i % 7 === 3 ? 'nope' : 'pending'}\n  notes: |\n    text ${i}\n`).join('\n');
    const text = board(rows);
    const fresh = parseBoard(text);
    expect(fresh.problems).toHaveLength(4);
    const withAlias = board(`- id: T-1\n  title: &t shared\n  status: draft\n- id: T-2\n  title: *t\n  status: draft\n`);
    expect(parseBoard(withAlias).rows.map((row) => row.title)).toEqual(['shared', 'shared']);
    const flow = board('[{id: T-1, title: a, status: draft}, {id: T-2, title: b, status: pending}]\n');
    expect(parseBoard(flow).rows.map((row) => row.id)).toEqual(['T-1', 'T-2']);
  });

  it('moves cached rows to where they are now: same rows, layouts and problems as a fresh parse', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `- id: T-${i + 1}\n  title: row ${i}\n  status: ${i % 5 === 2 ? 'nope' : 'pending'}\n  notes: "n ${i}"\n`).join('');
    const parser = new BoardParser();
    const first = parser.parse(board(rows));
    const edits = [
      board(rows, '# Board\n\n## Direction\n\nGo further, on a longer line.\n\n## Tasks\n\n'),
      board(rows.replace('title: row 3', 'title: row three, renamed')),
      board(rows.replace('- id: T-2\n', '- id: T-13\n  title: inserted\n  status: draft\n- id: T-2\n')),
      board(rows),
    ];
    for (const text of edits) expect(parser.parse(text)).toEqual(parseBoard(text));
    // The first board is not changed by the parses after it.
    expect(first).toEqual(parseBoard(board(rows)));
  });
});
