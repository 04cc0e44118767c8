import { describe, expect, it } from 'vitest';
import { mayMatchTracked, readsTheSame, sortedPaths } from '../../src/git/scope/meaning-shortcuts.js';

describe('scope meaning shortcuts', () => {
  it('knows by their text the entries both pathspec readings agree on', () => {
    for (const entry of ['src/a.ts', 'src/', '**', 'src/module1/**', 'a b/**']) expect(readsTheSame(entry), entry).toBe(true);
    for (const entry of ['src/*.ts', 'src/**/x', '*', 'src**', ':(glob)src/**', './src/**', 'src/../x/**', 'a\\*/**', 'src/*/**']) expect(readsTheSame(entry), entry).toBe(false);
  });

  it('rules out a scope only when no tracked file starts with an include\'s wildcard-free head', () => {
    const tracked = sortedPaths(['src/a.ts', 'docs/x.md', 'README.md']);
    expect(mayMatchTracked({ include: ['lib/*.ts'], exclude: ['src/*'] }, tracked)).toBe(false);
    expect(mayMatchTracked({ include: ['src/*.ts'], exclude: [] }, tracked)).toBe(true);
    expect(mayMatchTracked({ include: ['*.md'], exclude: [] }, tracked)).toBe(true);
    expect(mayMatchTracked({ include: [':(icase)LIB/*'], exclude: [] }, tracked)).toBe(true);
    expect(mayMatchTracked({ include: ['./lib/*'], exclude: [] }, tracked)).toBe(true);
    expect(mayMatchTracked({ include: [], exclude: ['*.md'] }, tracked)).toBe(true);
    expect(mayMatchTracked({ include: [], exclude: [] }, [])).toBe(false);
    expect(mayMatchTracked({ include: ['z*'], exclude: [] }, tracked)).toBe(false);
  });
});
