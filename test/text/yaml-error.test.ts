import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { explainYamlError } from '../../src/text/yaml-error.js';

function explain(text: string) {
  const doc = parseDocument(text, { prettyErrors: false });
  expect(doc.errors.length).toBeGreaterThan(0);
  return doc.errors.map((error) => explainYamlError(text, { code: error.code, pos: error.pos })).find((found) => found !== null) ?? null;
}

describe('explainYamlError', () => {
  it('says to quote a block value that holds ": ", at the value, with the fix written out', () => {
    const text = '- id: T-1\n  title: Fix: the parser   # soon\n  status: pending\n';
    expect(explain(text)).toEqual({
      offset: text.indexOf('Fix:'),
      message: 'the value of title holds an unquoted ": ", which YAML reads as another key; quote the value, for example: title: "Fix: the parser"',
    });
  });

  it('does the same for a config.yaml setting and for a flow row', () => {
    expect(explain('repo: /x\ntest: npm test -- --grep a: b\n')?.message).toContain('for example: test: "npm test -- --grep a: b"');
    const flow = '- {id: T-1, title: a: b, status: pending}\n';
    expect(explain(flow)).toMatchObject({ offset: flow.indexOf('a: b'), message: expect.stringContaining('for example: title: "a: b"') });
  });

  it('leaves other YAML errors alone', () => {
    const text = '- id: T-1\n  title: "open\n';
    expect(explain(text)).toBeNull();
    expect(explainYamlError('a: b: c\n', { code: 'TAB_AS_INDENT', pos: [0, 1] })).toBeNull();
  });
});
