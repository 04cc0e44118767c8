import { isSeq, parseDocument, type Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { layoutOf } from '../../src/board/parse/layout.js';
import { readRow, readRowFields } from '../../src/board/parse/row.js';
import { scanRow } from '../../src/board/parse/scan-row.js';
import { seeded } from '../helpers/seeded.js';

/** What yaml's Document makes of a one-row chunk: the reference the scanner must equal. */
function byYaml(chunk: string) {
  const doc = parseDocument(chunk, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0 || !isSeq(doc.contents) || doc.contents.items.length !== 1) return null;
  const item = doc.contents.items[0] as Node;
  return { reading: readRow(item, 0, doc), layout: layoutOf(item, 0) };
}

function byScanner(chunk: string) {
  const scanned = scanRow(chunk);
  // The layout as JSON gives it: a ScannedLayout makes its pairs only when asked.
  return scanned === null ? null : { reading: readRowFields(scanned.shape, scanned.values, 0), layout: JSON.parse(JSON.stringify(scanned.layout)) as unknown };
}

/** The scanner either reads a chunk exactly as yaml does, or leaves it to yaml. */
function expectSameAsYaml(chunk: string): boolean {
  const scanned = byScanner(chunk);
  if (scanned === null) return false;
  expect(scanned, JSON.stringify(chunk)).toEqual(byYaml(chunk));
  return true;
}

const EVERYDAY = [
  '- id: T-1\n  title: Task number 1 with an ordinary title\n  status: pending\n  priority: normal\n  scope:\n    include:\n      - src/module1/**\n    exclude: []\n  depends_on: []\n  attempts: 0\n  notes: |\n    Some notes for task 1.\n\n',
  '  - id: T-12\n    title: "Quoted: title"\n    status: merged\n    scope:\n      include:\n      - "src/**"\n      - \'docs/*.md\'\n      exclude: [ "b" ,c]\n    depends_on:\n    - T-1\n    - T-2\n    commit: a1b2c3d\n    worker_pid: null\n    started_at: 2026-12-05T07:14:34.000Z\n    codex_first: true\n',
  '- id: T-3\n  title: x\n  status: running\n  notes: |\n    first\n\n      indented\n    last\n\n\n',
  '- id: T-4\n  title: x\n  scope: src/**\n  depends_on: [T-1, T-2]\n  max_cost_usd: 12\n  loops: 3\n  mode: duet\n',
  '- id: T-5\n  title: has an unknown field\n  status: pending\n  statuss: pending\n',
  '- id: T-5\n  status: pending\n',
  '- id: T-6\n  title: x\n  status: bogus\n  priority: urgent\n  loops: 0\n',
  '- id: t-6\n  title: x\n  status: pending\n  depends_on: [T-6, x]\n',
];

/** Forms the scanner must leave to yaml: it could not read them exactly. */
const LEFT_TO_YAML = [
  '- id: T-1 # a comment\n  title: x\n',
  '- id: T-1\n  title: x\n    continued on a second line\n',
  '- id: T-1\n  title: "a \\" escape"\n',
  '- id: T-1\n  title: 1.5\n',
  '- id: T-1\n  title: 0x1f\n',
  '- id: T-1\n  title: True\n',
  '- id: T-1\n  title: &a x\n',
  '- id: T-1\n  notes: |-\n    x\n',
  '- id: T-1\n  notes: >\n    x\n',
  '- id: T-1\n  id: T-2\n',
  '- id: T-1\n  title: x\n\n  status: pending\n',
  '- id: T-1\r\n  title: x\r\n',
  '- id: T-1\n  title:\tx\n',
  '- id: T-1\n  scope: {include: [a]}\n',
  '- id: T-1\n  depends_on: ["a,b"]\n',
  '- id: T-1\n  title: x \n',
  '- id: T-1\n  title: x',
  '-\n  id: T-1\n',
  '- id: T-1\n  empty:\n  title: x\n',
  // A no-break space is not YAML white space: yaml reads these differently from trimStart() and trim().
  '- id: T-1\n  title: x\n \u00a0 status: pending\n',
  '- id: T-1\n  depends_on: [\u00a0]\n',
];

describe('the row scanner', () => {
  it('reads the everyday forms exactly as yaml does', () => {
    for (const chunk of EVERYDAY) expect(expectSameAsYaml(chunk), JSON.stringify(chunk)).toBe(true);
  });

  it('leaves every other form to yaml', () => {
    for (const chunk of LEFT_TO_YAML) expect(byScanner(chunk), JSON.stringify(chunk)).toBeNull();
  });

  it('agrees with yaml on thousands of generated rows, or leaves them to yaml', () => {
    const seed = 20261205;
    const random = seeded(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const words = ['a', 'x y', 'T-1', 'src/**', '"q: x"', "'s'", '1', '007', '1e3', 'null', 'NULL', '~', 'true', 'no', '-x', '*a', 'a #b', 'a#b', 'a:b', 'a: b', '[a]', '[a, "b"]', '[]', '.5', '.inf', '2026-01-01', 'é ü', '"a\'b"', "'a\"b'", '@x', '%x', '`x`', '|', '""', "''", '12345678901234567', '\u00a0x', 'x\u00a0', 'a\u2028b', '[ a ,b ]', '[\u00a0]', '[a,]', '[,]', '[ ]', '[a, [b]]', '"a\\\\"', '0o7', '0x1F', '-1', '+1', '1.', 'True', 'FALSE', 'Null', '123456789012345', '1234567890123456', ':x', 'x:', 'a  b', 'é:', '- x'];
    let scanned = 0;
    for (let n = 0; n < 6000; n += 1) {
      const indent = ' '.repeat(pick([0, 2, 4]));
      const lines = [`${indent}- id: ${pick(['T-1', 'T-22', 'x', '"T-3"'])}\n`];
      for (let field = 0; field < 1 + Math.floor(random() * 6); field += 1) {
        const key = pick(['title', 'status', 'notes', 'scope', 'depends_on', 'attempts', 'commit', 'other', 'title', 'null', '_x', 'a1', 'A', 'a-b']);
        const shape = random();
        if (shape < 0.5) lines.push(`${indent}  ${key}: ${pick(words)}\n`);
        else if (shape < 0.65) lines.push(`${indent}  ${key}:\n${indent}${pick(['  ', '    '])}- ${pick(words)}\n${indent}${pick(['  ', '    '])}- ${pick(words)}\n`);
        else if (shape < 0.8) lines.push(`${indent}  ${key}:\n${indent}    include:\n${indent}    ${pick(['', '  '])}- ${pick(words)}\n${indent}    exclude: ${pick(['[]', `[${pick(words)}]`, pick(words)])}\n`);
        else lines.push(`${indent}  ${key}: |\n${indent}    ${pick(words)}\n${pick(['', '\n', `${indent}      ${pick(words)}\n`, '  \n', `${indent}     \n`])}${indent}    ${pick(words)}\n`);
      }
      // The awkward lines a person's editor leaves: trailing spaces, odd indentation, comments, stray text.
      if (random() < 0.15) lines.splice(1 + Math.floor(random() * lines.length), 0, pick([`${indent}  x: a \n`, `${indent}   x: a\n`, `${indent}\u00a0 x: a\n`, `${indent}  # c\n`, `${indent}      deeper\n`, `${indent}- id: T-9\n`, '\n', `${indent}  \n`]));
      if (random() < 0.3) lines.push('\n');
      if (expectSameAsYaml(lines.join(''))) scanned += 1;
    }
    // Most generated rows are everyday ones: the comparison above must have had something to compare.
    expect(scanned, `seed ${seed}`).toBeGreaterThan(300);
  });
});
