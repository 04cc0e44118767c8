import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, parseJson } from '../../src/text/json-error.js';

/** Each case's broken place, as `^` under the text: the same on Node 20, 22 and 24. */
const CASES: Array<[string, string, number, number]> = [
  ['missing comma', '{\n  "default_start": "default"\n  "tiers": []\n}', 3, 3],
  ['trailing comma', '{\n  "tiers": [\n    {"alias": "a"},\n  ]\n}', 4, 3],
  ['unquoted key', '{\n  tiers: []\n}', 2, 3],
  ['ends too soon', '{\n  "tiers": [', 2, 13],
  ['bad word', '{"a": tru}', 1, 7],
  ['text after the value', '{"a": 1}\n}', 2, 1],
  ['control character in a string', '{"a": "x\ty"}', 1, 9],
  ['bad escape', '{"a": "\\q"}', 1, 9],
  ['empty', '', 1, 1],
];

describe('parseJson', () => {
  it.each(CASES)('%s: gives the real line:column', (_name, text, line, column) => {
    const parsed = parseJson(text);
    expect('error' in parsed ? [parsed.error.line, parsed.error.column] : 'parsed').toEqual([line, column]);
  });

  it('keeps JSON.parse\'s words but not its position, which differs between Node versions', () => {
    const parsed = parseJson('{\n  "a": 1\n  "b": 2\n}');
    expect('error' in parsed && parsed.error.message).not.toMatch(/position|line \d|is not valid JSON/);
    expect('error' in parsed && parsed.error.message).not.toBe('');
  });

  it('returns the value of valid JSON, and finds the first bad character of invalid JSON', () => {
    expect(parseJson('{"a": [1, -2.5e3, "\\u00e9", true, null]}')).toEqual({ value: { a: [1, -2500, 'é', true, null] } });
    for (const text of ['[]', '{}', ' 0 ', '"\\/"', '[{"a": [1, {"b": {}}]}]']) expect([text, jsonErrorOffset(text)]).toEqual([text, text.length]);
    expect(['[1,]', '01', '{"a":1,}', '[1 2]', '-', '1.', '.5'].map(jsonErrorOffset)).toEqual([3, 1, 7, 3, 0, 1, 0]);
  });
});
