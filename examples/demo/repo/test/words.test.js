import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countWords } from '../src/words.js';

test('counts words between any whitespace', () => {
  assert.equal(countWords('one two\tthree\nfour'), 4);
  assert.equal(countWords('  padded  '), 1);
  assert.equal(countWords(''), 0);
});
