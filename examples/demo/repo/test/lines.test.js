import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countLines } from '../src/lines.js';

test('counts lines, not line breaks', () => {
  assert.equal(countLines('a\nb\nc'), 3);
  assert.equal(countLines('a\nb\n'), 2);
  assert.equal(countLines(''), 0);
});
