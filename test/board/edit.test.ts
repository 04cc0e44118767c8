import { describe, expect, it } from 'vitest';
import { appendRowEdits, applyEdits, applyEditsToBytes, NotUtf8Edit, setFieldEdits } from '../../src/board/edit/index.js';
import { parseBoard } from '../../src/board/parse/parser.js';
import type { OwnedFields } from '../../src/board/types.js';
import { seeded } from '../helpers/seeded.js';

function setFields(text: string, id: string, fields: OwnedFields): string {
  const board = parseBoard(text);
  return applyEdits(board.body, setFieldEdits(board, id, fields), board.bom);
}

const CCX_LOOP_BOARD = `# BOARD

## Direction

Ship M9. Keep *every* byte.

## Tasks

\`\`\`yaml
- id: T-1
  title: "M9: external state directory"   # the first one
  scope:
    include:
      - plugins/ccx/commands/supervisor.md
    exclude: []
  status: assigned
  priority: normal
  depends_on: []
  brief: .ccx/tasks/T-1.md
  attempts: 1
  worktree: "/home/will/Repositories/ccx-loop-T-1"
  branch: 'ccx/T-1'
  worker_pid: null
  started_at: "2026-05-24T13:15:29Z"
  finished_at:
  exit_status: null
  notes: |
    Foundation for M9.

    Touch points: every read.

- id: T-2
  title: external worktrees
  status: draft
  depends_on:
    - T-1
\`\`\`

Trailing prose.
`;

describe('setting ccx-owned fields in place', () => {
  it('reads a ccx-loop board unchanged: assigned is an interrupted running, nulls and | notes are fine', () => {
    const board = parseBoard(CCX_LOOP_BOARD);
    expect(board.problems).toEqual([]);
    expect(board.rows.map((row) => [row.id, row.status, row.statusAsWritten, row.brief, row.notes])).toEqual([
      ['T-1', 'running', 'assigned', '.ccx/tasks/T-1.md', 'Foundation for M9.\n\nTouch points: every read.\n'],
      ['T-2', 'draft', 'draft', null, null],
    ]);
  });

  it('replaces only the values it sets, keeping quoting style and trailing comments', () => {
    const after = setFields(CCX_LOOP_BOARD, 'T-1', { status: 'merged', branch: 'ccx/T-9', worktree: '/tmp/a b', worker_pid: 4242, finished_at: '2026-05-25T10:00:00Z' });
    expect(after).toBe(
      CCX_LOOP_BOARD.replace('status: assigned', 'status: merged')
        .replace(`branch: 'ccx/T-1'`, `branch: 'ccx/T-9'`)
        .replace('worktree: "/home/will/Repositories/ccx-loop-T-1"', 'worktree: "/tmp/a b"')
        .replace('worker_pid: null', 'worker_pid: 4242')
        .replace('finished_at:\n', 'finished_at: "2026-05-25T10:00:00Z"\n'),
    );
    expect(parseBoard(after).rows[0]?.status).toBe('merged');
  });

  it('adds a field the row lacks at the end of that row, in its indentation', () => {
    const after = setFields(CCX_LOOP_BOARD, 'T-2', { status: 'running', attempts: 1, commit: 'abc123' });
    expect(after).toBe(CCX_LOOP_BOARD.replace('status: draft', 'status: running').replace('    - T-1\n```', '    - T-1\n  attempts: 1\n  commit: abc123\n```'));
    const row = parseBoard(after).rows[1];
    expect([row?.attempts, row?.commit]).toEqual([1, 'abc123']);
  });

  it('adds a field after a row that ends in a | block', () => {
    const text = '## Tasks\n\n```yaml\n- id: T-1\n  title: a\n  status: pending\n  notes: |\n    one\n    two\n- id: T-2\n  title: b\n  status: pending\n```\n';
    const after = setFields(text, 'T-1', { error: 'it broke: badly' });
    expect(after).toBe(text.replace('    two\n', '    two\n  error: "it broke: badly"\n'));
    expect(parseBoard(after).rows[0]?.notes).toBe('one\ntwo\n');
  });

  it('replaces a | block value without swallowing the next row', () => {
    const text = '## Tasks\n\n```yaml\n- id: T-1\n  title: a\n  status: failed\n  error: |\n    multi\n    line\n- id: T-2\n  title: b\n  status: pending\n```\n';
    const after = setFields(text, 'T-1', { error: null, status: 'pending' });
    // A null takes ccx's field out of the row (SPEC 3: never a bookkeeping field whose value is null).
    expect(after).toBe('## Tasks\n\n```yaml\n- id: T-1\n  title: a\n  status: pending\n- id: T-2\n  title: b\n  status: pending\n```\n');
  });

  it('keeps CRLF line endings and the UTF-8 BOM', () => {
    const text = '\uFEFF# BOARD\r\n\r\n## Tasks\r\n\r\n```yaml\r\n- id: T-1\r\n  title: x\r\n  status: pending\r\n```\r\nend\r\n';
    const after = setFields(text, 'T-1', { status: 'running', started_at: '2026-01-01T00:00:00Z' });
    expect(after).toBe('\uFEFF# BOARD\r\n\r\n## Tasks\r\n\r\n```yaml\r\n- id: T-1\r\n  title: x\r\n  status: running\r\n  started_at: "2026-01-01T00:00:00Z"\r\n```\r\nend\r\n');
  });

  it('edits a flow-style row inside its braces', () => {
    const text = '## Tasks\n\n```yaml\n- {id: T-1, title: x, status: pending}   # short\n```\n';
    const after = setFields(text, 'T-1', { status: 'running', attempts: 2 });
    expect(after).toBe('## Tasks\n\n```yaml\n- {id: T-1, title: x, status: running, attempts: 2}   # short\n```\n');
  });

  it('quotes a value that would not read back as the same text', () => {
    const text = '## Tasks\n\n```yaml\n- id: T-1\n  title: x\n  status: failed\n```\n';
    for (const value of ['null', 'true', '123', 'a: b', '# not a comment', 'line\nbreak', ' padded', '[x]', "it's", 'ünïcödé', '']) {
      const after = setFields(text, 'T-1', { error: value });
      expect(parseBoard(after).rows[0]?.error ?? '').toBe(value);
    }
  });

  it('refuses to write a person-owned field', () => {
    const board = parseBoard(CCX_LOOP_BOARD);
    expect(() => setFieldEdits(board, 'T-1', { title: 'x' } as unknown as OwnedFields)).toThrow(/person-owned field title/);
  });
});

describe('appending rows', () => {
  const row = { id: 'T-3', title: 'Add a: colon', status: 'pending', scope: { include: ['src/**'], exclude: [] }, depends_on: ['T-1'], brief: 'tasks/T-3.md', notes: 'two\nlines\n' };

  it('adds rows before the closing fence with the block spacing, leaving everything else', () => {
    const board = parseBoard(CCX_LOOP_BOARD);
    const after = applyEdits(board.body, appendRowEdits(board, [row]), board.bom);
    expect(after).toBe(
      CCX_LOOP_BOARD.replace(
        '    - T-1\n```',
        '    - T-1\n\n- id: T-3\n  title: "Add a: colon"\n  status: pending\n  scope:\n    include:\n      - src/**\n    exclude: []\n  depends_on:\n    - T-1\n  brief: tasks/T-3.md\n  notes: |\n    two\n    lines\n```',
      ),
    );
    const reparsed = parseBoard(after);
    expect(reparsed.problems).toEqual([]);
    expect(reparsed.rows[2]).toMatchObject({ id: 'T-3', title: 'Add a: colon', scope: { include: ['src/**'], exclude: [] }, dependsOn: ['T-1'], notes: 'two\nlines\n' });
  });

  it('fills an empty block that holds only comments', () => {
    const text = '## Tasks\n\n```yaml\n# - id: T-1\n#   title: an example\n```\n';
    const board = parseBoard(text);
    const after = applyEdits(board.body, appendRowEdits(board, [{ id: 'T-1', title: 'first', status: 'draft' }]), false);
    expect(after).toBe('## Tasks\n\n```yaml\n# - id: T-1\n#   title: an example\n- id: T-1\n  title: first\n  status: draft\n```\n');
  });

  it('replaces a literal [] with the rows', () => {
    const text = '## Tasks\n\n```yaml\n[]\n```\n';
    const board = parseBoard(text);
    const after = applyEdits(board.body, appendRowEdits(board, [{ id: 'T-1', title: 'a', status: 'draft' }, { id: 'T-2', title: 'b', status: 'draft' }]), false);
    expect(parseBoard(after).rows.map((r) => r.id)).toEqual(['T-1', 'T-2']);
    expect(after).toBe('## Tasks\n\n```yaml\n- id: T-1\n  title: a\n  status: draft\n\n- id: T-2\n  title: b\n  status: draft\n```\n');
  });
});

describe('edits applied to the bytes of a board that is not all UTF-8', () => {
  const PIECES = ['a', 'é', '€', '😀', '\n', ' ', '\uFFFD'].map((text) => Buffer.from(text));
  const BAD = [[0xff], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe9]].map((bytes) => Buffer.from(bytes));

  const seed = Number(process.env.CCX_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
  it(`keeps every byte outside the edited ranges and refuses an edit over a byte that is not UTF-8 (500 cases, seed ${seed})`, () => {
    const random = seeded(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let round = 0; round < 500; round += 1) {
      const chunks = Array.from({ length: 5 + Math.floor(random() * 30) }, () => (random() < 0.2 ? pick(BAD) : pick(PIECES)));
      const bytes = Buffer.concat(chunks);
      const text = bytes.toString('utf8');
      // One edit between two chunk boundaries (ranges found through the decoded text).
      const boundaries = [0];
      for (const chunk of chunks) boundaries.push((boundaries.at(-1) as number) + chunk.length);
      const from = Math.floor(random() * chunks.length);
      const to = from + Math.floor(random() * Math.min(3, chunks.length - from + 1));
      const start = Buffer.concat(chunks.slice(0, from)).toString('utf8').length;
      const end = start + Buffer.concat(chunks.slice(from, to)).toString('utf8').length;
      const replaced = chunks.slice(from, to);
      const context = `seed ${seed}, round ${round}`;
      // A cut-off sequence and the next chunk can decode as one character (e2 82 + 80 is €): skip those.
      if (chunks.map((chunk) => chunk.toString('utf8')).join('') !== text) continue;
      const edit = { start, end, text: 'NEW' };
      if (replaced.some((chunk) => BAD.includes(chunk))) {
        expect(() => applyEditsToBytes(bytes, text, [edit]), context).toThrow(NotUtf8Edit);
        continue;
      }
      const result = applyEditsToBytes(bytes, text, [edit]);
      const expected = Buffer.concat([bytes.subarray(0, boundaries[from]), Buffer.from('NEW'), bytes.subarray(boundaries[to])]);
      expect(result.equals(expected), context).toBe(true);
    }
  });
});
