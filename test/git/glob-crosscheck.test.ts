import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pathspecMatches } from '../../src/git/scope/glob/pathspec.js';
import { excludePathspec, withoutExcludeMagic } from '../../src/git/scope/pathspec.js';
import { pathInScope, staticScopeOverlap } from '../../src/git/scope/static-overlap.js';
import type { Scope } from '../../src/git/scope/types.js';
import { TEST_GIT_ENV } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';

const run = promisify(execFile);
const GLOB_ENV = { ...process.env, ...TEST_GIT_ENV, GIT_GLOB_PATHSPECS: '1', GIT_LITERAL_PATHSPECS: '0', GIT_ICASE_PATHSPECS: '0', GIT_NOGLOB_PATHSPECS: '0' };
const SEGMENTS = ['a', 'b', 'ab', 'ba', 'x.ts', 'y.md', 'z.test.ts', 'A', 'B.TS', '.h', 'é', 'a b', 'src', 'gen', 'fix', '-d', 'q*', '[a]', 'a?', 'b\\c'];
const TOKENS = ['a', 'b', 'src', 'x', '.ts', '.md', 'é', 'A', 'gen', '*', '*', '**', '**', '?', '[ab]', '[!a]', '[a-c]', '[[:upper:]]', '[]a]', '[^b]', '\\*', '\\a', '[', 'q*'];
const MAGIC = ['', '', '', '', ':(icase)', ':(literal)', ':/', ':(top,icase)'];

/** A small seeded generator (mulberry32): the same cases every run, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function generatePaths(next: () => number, count: number): string[] {
  const paths = new Set<string>();
  while (paths.size < count) {
    const depth = 1 + Math.floor(next() * 4);
    const path = Array.from({ length: depth }, () => pick(next, SEGMENTS)).join('/');
    // An index cannot hold both a file and a folder of one name.
    if ([...paths].some((other) => other.startsWith(`${path}/`) || path.startsWith(`${other}/`))) continue;
    paths.add(path);
  }
  return [...paths];
}

/** A random pattern, or (more often) one bent from a real path so that it matches something. */
function generatePattern(next: () => number, paths: readonly string[]): string {
  const slash = next() < 0.15 ? '/' : '';
  let body: string;
  if (next() < 0.3) {
    const segments = Array.from({ length: 1 + Math.floor(next() * 3) }, () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(next, TOKENS)).join(''));
    body = `${segments.join('/')}${slash}`;
  } else {
    const segments = pick(next, paths).split('/');
    const kept = segments.slice(0, 1 + Math.floor(next() * segments.length));
    body = `${next() < 0.2 ? '**/' : ''}${kept.map((segment) => bendSegment(next, segment)).join('/')}${slash}`;
  }
  const magic = pick(next, MAGIC);
  // Short magic runs on while the characters are magic ones: `:/-d` would read `-` as magic.
  return magic === ':/' && /^[!"#%&',\-/:;<=>@_`~^]/.test(body) ? `:/:${body}` : `${magic}${body}`;
}

function bendSegment(next: () => number, segment: string): string {
  const roll = next();
  if (roll < 0.3) return segment;
  if (roll < 0.4) return '*';
  if (roll < 0.47) return '**';
  if (roll < 0.55) return `*${segment.slice(-2)}`;
  if (roll < 0.63) return `${segment.slice(0, 1)}*`;
  const chars = [...segment];
  const at = Math.floor(next() * chars.length);
  const ch = chars[at] as string;
  const swap = pick(next, ['?', `[${ch}z]`, `[!q]`, `[${ch.toUpperCase()}-~]`, '[[:alpha:]]', `\\${ch}`, ch, ch.toUpperCase()]);
  chars[at] = swap;
  return chars.join('');
}

/** A repository whose index holds `paths` (no files on disk: ls-files reads the index). */
async function indexRepo(paths: readonly string[]): Promise<string> {
  const dir = await testdir();
  await run('git', ['init', '--quiet'], { cwd: dir, env: GLOB_ENV });
  const hash = run('git', ['hash-object', '-w', '--stdin'], { cwd: dir, env: GLOB_ENV });
  hash.child.stdin?.end('');
  const blob = (await hash).stdout.trim();
  const child = run('git', ['update-index', '--add', '-z', '--index-info'], { cwd: dir, env: GLOB_ENV });
  child.child.stdin?.end(paths.map((path) => `100644 ${blob}\t${path}\0`).join(''));
  await child;
  return dir;
}

async function gitMatches(dir: string, pathspecs: readonly string[]): Promise<Set<string>> {
  const { stdout } = await run('git', ['ls-files', '-z', '--', ...pathspecs], { cwd: dir, env: GLOB_ENV, maxBuffer: 64 * 1024 * 1024 });
  return new Set(stdout.split('\0').filter((entry) => entry !== ''));
}

const hasGlobCharacter = (path: string): boolean => /[*?[\\]/.test(path);

describe('the static matcher against real git', () => {
  it('decides every generated path exactly as git ls-files does', async () => {
    const next = random(20_240_601);
    const paths = generatePaths(next, 90);
    const dir = await indexRepo(paths);
    const patterns = [...new Set(Array.from({ length: 260 }, () => generatePattern(next, paths)))];
    const mismatches: string[] = [];
    for (const pattern of patterns) {
      const matched = await gitMatches(dir, [pattern]);
      for (const path of paths) {
        const ours = pathspecMatches(pattern, path);
        if (ours !== matched.has(path)) mismatches.push(`${pattern} vs ${path}: git ${matched.has(path)}, ccx ${String(ours)}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The generator must reach both answers often, or the comparison proves little.
    const hits = patterns.reduce((sum, pattern) => sum + paths.filter((path) => pathspecMatches(pattern, path) === true).length, 0);
    expect(hits).toBeGreaterThan(500);
  });

  it('finds an overlap whenever git lists one file in both scopes, and every example it gives is one git agrees on', async () => {
    const next = random(7_031_999);
    const paths = generatePaths(next, 90);
    const dir = await indexRepo(paths);
    const patterns = [...new Set(Array.from({ length: 120 }, () => generatePattern(next, paths)))];
    const matches = new Map<string, Set<string>>();
    const matchesOf = async (pattern: string): Promise<Set<string>> => {
      let found = matches.get(pattern);
      if (found === undefined) matches.set(pattern, (found = await gitMatches(dir, [pattern])));
      return found;
    };
    const inScope = async (scope: Scope, path: string): Promise<boolean> => {
      for (const glob of scope.exclude) if ((await matchesOf(glob)).has(path)) return false;
      for (const glob of scope.include) if ((await matchesOf(glob)).has(path)) return true;
      return false;
    };
    const examples: Array<{ a: Scope; b: Scope; example: string }> = [];
    let overlaps = 0;
    let separate = 0;
    const productive: string[] = [];
    for (const pattern of patterns) if ((await matchesOf(pattern)).size > 0) productive.push(pattern);
    for (let round = 0; round < 400; round++) {
      const include = pick(next, productive);
      const inA = [...(await matchesOf(include))];
      // Excludes bent from a path the include holds actually remove something.
      const a: Scope = { include: [include], exclude: next() < 0.5 ? [generatePattern(next, [pick(next, inA)])] : [] };
      // Half the time B is bent from a path A holds, so that overlaps are common enough to test.
      const near = inA.length > 0 && next() < 0.5 ? generatePattern(next, [pick(next, inA)]) : pick(next, patterns);
      const b: Scope = { include: [near, ...(next() < 0.3 ? [pick(next, patterns)] : [])], exclude: next() < 0.3 ? [pick(next, patterns)] : [] };
      const result = staticScopeOverlap(a, b);
      const shared: string[] = [];
      for (const path of paths) if (!hasGlobCharacter(path) && (await inScope(a, path)) && (await inScope(b, path))) shared.push(path);
      if (shared.length > 0) expect(result.overlap, `${JSON.stringify(a)} and ${JSON.stringify(b)} share ${shared[0]}`).toBe(true);
      if (result.overlap) overlaps++;
      else separate++;
      if (result.example !== undefined) {
        // The in-process single-path decision (checked against git above) must agree at once...
        expect([pathInScope(a, result.example), pathInScope(b, result.example)], `${result.example} for ${JSON.stringify(a)} and ${JSON.stringify(b)}`).toEqual([true, true]);
        if (examples.length < 40) examples.push({ a, b, example: result.example });
      }
    }
    expect(overlaps).toBeGreaterThan(60);
    expect(separate).toBeGreaterThan(60);
    // ...and git itself, with each example in a repository of its own, must list it in both scopes.
    for (const { a, b, example } of examples) {
      const exampleDir = await indexRepo([example]);
      for (const scope of [a, b]) {
        const selected = await gitMatches(exampleDir, scope.include);
        const removed = scope.exclude.length === 0 ? new Set<string>() : await gitMatches(exampleDir, scope.exclude.map((glob) => withoutExcludeMagic(excludePathspec(glob))));
        expect(selected.has(example) && !removed.has(example), `${example} in ${JSON.stringify(scope)}`).toBe(true);
      }
    }
  });
});
