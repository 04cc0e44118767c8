import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/text/did-you-mean.js';

describe('didYouMean', () => {
  it('names the nearest candidate for a plausible typo', () => {
    expect(didYouMean('stauts', ['status', 'tasks', 'start'])).toBe('status');
    expect(didYouMean('jsn', ['json', 'status'])).toBe('json');
    expect(didYouMean('paralel', ['parallel', 'repo'])).toBe('parallel');
    expect(didYouMean('comand', ['claude', 'codex', 'command'])).toBe('command');
  });

  it('says nothing for a word that is not near any candidate, or too short to guess', () => {
    expect(didYouMean('frobnicate', ['status', 'tasks'])).toBeNull();
    expect(didYouMean('xy', ['test', 'repo'])).toBeNull();
    expect(didYouMean('anything', [])).toBeNull();
  });

  it('takes a wider limit when asked', () => {
    expect(didYouMean('dependson', ['dependsonx'], { maxDistance: 2 })).toBe('dependsonx');
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
