import { describe, expect, it } from 'vitest';
import { filterFindings, findingKey, readVerdict, stuckKey, VERDICT_SCHEMA } from '../../src/loop/index.js';
import type { Finding } from '../../src/loop/index.js';

const finding = (over: Partial<Finding> = {}): Finding => ({ severity: 'high', title: 't', body: 'b', file: 'f.ts', lineStart: 1, lineEnd: 1, confidence: 0.9, recommendation: '', source: 'reviewer', ...over });
const raw = { severity: 'high', title: 'Off by one', body: 'b', file: 'src/a.ts', line_start: 4, line_end: 4, confidence: 0.9, recommendation: 'r' };
const problem = (structured: unknown) => {
  const read = readVerdict({ structured, text: '' });
  return read.ok ? 'ok' : read.problem;
};

describe('the verdict', () => {
  it('is read from structured output, from JSON text, or from a STATUS line', () => {
    const answer = { verdict: 'needs-attention', summary: 's', findings: [raw], next_steps: ['n'] };
    expect(readVerdict({ structured: answer, text: '' })).toEqual({
      ok: true,
      answer: { verdict: 'needs-attention', summary: 's', nextSteps: ['n'], form: 'structured', findings: [{ severity: 'high', title: 'Off by one', body: 'b', file: 'src/a.ts', lineStart: 4, lineEnd: 4, confidence: 0.9, recommendation: 'r', source: 'reviewer' }] },
    });
    expect(readVerdict({ text: `\n ${JSON.stringify(answer)}\n` })).toMatchObject({ ok: true, answer: { form: 'json', findings: [{ lineStart: 4 }] } });
    expect(readVerdict({ text: '\n\nSTATUS: DONE\nall good' })).toMatchObject({ ok: true, answer: { verdict: 'approve', findings: [], form: 'status-line' } });
    expect(readVerdict({ text: 'STATUS: ISSUES_FOUND\nThe README lacks usage.\nAnd a typo.' })).toMatchObject({ ok: true, answer: { verdict: 'needs-attention', findings: [{ severity: 'high', body: 'The README lacks usage.\nAnd a typo.' }] } });
  });

  it('takes omitted optional fields as their defaults and a finding with no file or line', () => {
    const read = readVerdict({ structured: { verdict: 'approve', findings: [{ severity: 'low', title: 'x' }] }, text: '' });
    expect(read).toMatchObject({ ok: true, answer: { summary: '', nextSteps: [], findings: [{ file: '', body: '', lineStart: null, confidence: 1 }] } });
  });

  it('names what is wrong with an answer that does not fit the schema', () => {
    expect(problem({ verdict: 'lgtm' })).toMatchInlineSnapshot(`""verdict" must be "approve" or "needs-attention", but it is "lgtm""`);
    expect(problem({ verdict: 'approve', findings: {} })).toMatchInlineSnapshot(`""findings" must be an array"`);
    expect(problem({ verdict: 'approve', findings: [{ ...raw, severity: 'blocker' }] })).toMatchInlineSnapshot(`"findings[0]: "severity" must be one of critical, high, medium, low, but it is "blocker""`);
    expect(problem({ verdict: 'approve', findings: [{ ...raw, title: ' ' }] })).toMatchInlineSnapshot(`"findings[0]: "title" must be a non-empty string"`);
    expect(problem({ verdict: 'approve', findings: [{ ...raw, confidence: 7 }] })).toMatchInlineSnapshot(`"findings[0]: "confidence" must be a number from 0 to 1, but it is 7"`);
    expect(problem({ verdict: 'approve', findings: [{ ...raw, line_start: '4' }] })).toMatchInlineSnapshot(`"findings[0]: "line_start" and "line_end" must be whole numbers or null"`);
    expect(problem({ verdict: 'approve', next_steps: [1] })).toMatchInlineSnapshot(`""next_steps" must be an array of strings"`);
    const text = (value: string) => {
      const read = readVerdict({ text: value });
      return read.ok ? 'ok' : read.problem;
    };
    expect(text('{"verdict": ')).toMatch(/^its answer starts like JSON but does not parse \(/);
    expect(text('Looks fine to me!')).toMatchInlineSnapshot(`"its answer is neither the verdict JSON nor a first line "STATUS: DONE" / "STATUS: ISSUES_FOUND"; its first line is "Looks fine to me!""`);
    expect(text('')).toMatchInlineSnapshot(`"its answer is neither the verdict JSON nor a first line "STATUS: DONE" / "STATUS: ISSUES_FOUND"; its first line is nothing"`);
  });

  it('schema is OpenAI-strict: every object lists every property as required and allows no others', () => {
    const objects: Array<Record<string, unknown>> = [];
    const walk = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record['type'] === 'object') objects.push(record);
      Object.values(record).forEach(walk);
    };
    walk(VERDICT_SCHEMA);
    expect(objects).toHaveLength(2);
    for (const object of objects) {
      expect(object['additionalProperties']).toBe(false);
      expect([...(object['required'] as string[])].sort()).toEqual(Object.keys(object['properties'] as object).sort());
    }
  });
});

describe('the filter and stuck detection', () => {
  it('skips findings under min_severity or min_confidence', () => {
    const findings = [finding({ severity: 'critical' }), finding({ severity: 'medium' }), finding({ severity: 'low' }), finding({ severity: 'high', confidence: 0.4 })];
    const { open, skipped } = filterFindings(findings, { severity: 'medium', confidence: 0.5 });
    expect(open.map((item) => item.severity)).toEqual(['critical', 'medium']);
    expect(skipped.map((item) => `${item.severity}/${item.confidence}`)).toEqual(['low/0.9', 'high/0.4']);
    expect(filterFindings(findings, { severity: 'low', confidence: 0 }).skipped).toEqual([]);
  });

  it('keys a finding by file, title and body, not by line or severity', () => {
    expect(findingKey(finding({ lineStart: 3 }))).toBe(findingKey(finding({ lineStart: 90, severity: 'low', body: ' b\n' })));
    expect(findingKey(finding())).not.toBe(findingKey(finding({ title: 'other' })));
  });

  it('is stuck only on a key in each of the last 3 reviews', () => {
    expect(stuckKey([['a', 'b'], ['b'], ['b', 'c']])).toBe('b');
    expect(stuckKey([['a'], ['a']])).toBeNull();
    expect(stuckKey([['a'], [], ['a']])).toBeNull();
    expect(stuckKey([['x'], ['a'], ['a'], ['a']].slice(-3))).toBe('a');
  });
});
