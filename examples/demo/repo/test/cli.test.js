import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../src/cli.js';

test('counts what the flags ask for', () => {
  assert.equal(main(['--words'], 'a b c'), 'words 3');
  assert.equal(main([], 'a b\nc'), 'words 3\nlines 2');
  assert.throws(() => main(['--nope'], ''), /unknown flag --nope/);
});
