import { PATH_BYTES, SLASH, byteSet, byteSetWhere, toLower } from './charset.js';
import type { ParsedPathspec } from './magic.js';
import { normalizePattern, parsePathspec } from './magic.js';
import { NfaBuilder, accepts } from './nfa.js';
import { compileWildmatch } from './wildmatch.js';

const GLOB_SPECIAL = new Set([0x2a, 0x3f, 0x5b, 0x5c]);

/** What one pathspec element can match, as an automaton fragment inside a shared builder. */
export type CompiledPathspec =
  | { kind: 'automaton'; start: number; exclude: boolean }
  /** Magic the matcher cannot decide (attr, prefix, or an element git rejects). */
  | { kind: 'unknown'; exclude: boolean };

/**
 * Compiles `element` (glob mode, as GIT_GLOB_PATHSPECS=1 reads it) the way dir.c's
 * match_pathspec_item decides a path: the pattern itself, or the pattern as a leading folder,
 * compared literally; or its wildcard-free head literally, then wildmatch on the rest.
 */
export function compilePathspec(builder: NfaBuilder, element: string): CompiledPathspec {
  const parsed = parsePathspec(element);
  const match = matchString(parsed);
  if (!parsed.modelled || match === null) return { kind: 'unknown', exclude: parsed.exclude };
  const start = builder.state();
  const bytes = new Uint8Array(Buffer.from(match, 'utf8'));
  if (bytes.length === 0) {
    // An empty pattern (`.`, `:/`) matches every path.
    builder.accept(builder.repeat(start, PATH_BYTES));
    return { kind: 'automaton', start, exclude: parsed.exclude };
  }
  addLiteralRule(builder, start, bytes, parsed.icase);
  const plain = parsed.literal ? bytes.length : simpleLength(bytes);
  if (plain < bytes.length) {
    const head = literalChain(builder, start, bytes.subarray(0, plain), parsed.icase);
    const end = compileWildmatch(builder, head, bytes.subarray(plain), parsed.icase);
    if (end !== null) builder.accept(end);
  }
  return { kind: 'automaton', start, exclude: parsed.exclude };
}

/** The string git matches against: normalised unless `top` magic keeps it as written. */
function matchString(parsed: ParsedPathspec): string | null {
  if (parsed.top) return parsed.pattern;
  if (parsed.pattern.startsWith('/')) return null;
  return normalizePattern(parsed.pattern);
}

/** The pattern compared literally: the path itself, a path under it, or anything after a trailing `/`. */
function addLiteralRule(builder: NfaBuilder, start: number, bytes: Uint8Array, icase: boolean): void {
  const end = literalChain(builder, start, bytes, icase);
  builder.accept(end);
  const under = builder.state(true);
  builder.edge(under, PATH_BYTES, under);
  const endsWithSlash = bytes[bytes.length - 1] === SLASH;
  builder.edge(end, endsWithSlash ? PATH_BYTES : byteSet(SLASH), under);
}

function literalChain(builder: NfaBuilder, start: number, bytes: Uint8Array, icase: boolean): number {
  let state = start;
  for (const byte of bytes) {
    const wanted = icase ? toLower(byte) : byte;
    state = builder.step(state, icase ? byteSetWhere((t) => toLower(t) === wanted) : byteSet(byte));
  }
  return state;
}

/** Length of the head before the first of `*?[\` (dir.c simple_length). */
function simpleLength(bytes: Uint8Array): number {
  const index = bytes.findIndex((byte) => GLOB_SPECIAL.has(byte));
  return index < 0 ? bytes.length : index;
}

/** Whether `element` matches `path` (a single-path decision, for tests and callers with one path). */
export function pathspecMatches(element: string, path: string): boolean | 'unknown' {
  const builder = new NfaBuilder();
  const compiled = compilePathspec(builder, element);
  if (compiled.kind === 'unknown') return 'unknown';
  return accepts(builder.nfa, compiled.start, new Uint8Array(Buffer.from(path, 'utf8')));
}
