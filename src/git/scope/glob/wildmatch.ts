import { PATH_BYTES, SLASH, byteSet, byteSetWhere, toLower, without } from './charset.js';
import { compileClass } from './class.js';
import type { NfaBuilder } from './nfa.js';

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const BACKSLASH = 0x5c;
const NOT_SLASH = without(PATH_BYTES, SLASH);

/**
 * Adds to `builder`, from state `from`, the language git's wildmatch(pattern, text, WM_PATHNAME)
 * accepts; returns the end state, or null when the pattern can match nothing (a malformed class,
 * a trailing backslash). `*` and `?` never match `/`; a run of two or more stars right after the
 * start or a `/` and right before the end or a `/` crosses folders (with the slash: zero or more folders).
 */
export function compileWildmatch(builder: NfaBuilder, from: number, pattern: Uint8Array, icase: boolean): number | null {
  const fold = icase ? toLower : (c: number) => c;
  let state = from;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as number;
    if (ch === BACKSLASH) {
      const literal = pattern[i + 1];
      if (literal === undefined) return null;
      // An escaped character is compared as written: under icase git folds the text but not it.
      state = builder.step(state, byteSetWhere((t) => fold(t) === literal));
      i += 2;
    } else if (ch === QUESTION) {
      state = builder.step(state, NOT_SLASH);
      i += 1;
    } else if (ch === STAR) {
      let end = i;
      while (pattern[end] === STAR) end++;
      const next = pattern[end];
      const atFolderStart = i === 0 || pattern[i - 1] === SLASH;
      const beforeSlash = next === undefined || next === SLASH || (next === BACKSLASH && pattern[end + 1] === SLASH);
      if (end - i >= 2 && atFolderStart && beforeSlash) {
        if (next === SLASH) {
          // `**/`: nothing at all, or anything that ends with a slash.
          const after = builder.state();
          builder.epsilon(state, after);
          const any = builder.repeat(state, PATH_BYTES);
          builder.edge(any, byteSet(SLASH), after);
          state = after;
          end += 1;
        } else {
          state = builder.repeat(state, PATH_BYTES);
        }
      } else {
        state = builder.repeat(state, NOT_SLASH);
      }
      i = end;
    } else if (ch === OPEN) {
      const parsed = compileClass(pattern, i, icase);
      if (parsed === null) return null;
      state = builder.step(state, parsed.set);
      i = parsed.end;
    } else {
      const literal = fold(ch);
      state = builder.step(state, byteSetWhere((t) => fold(t) === literal));
      i += 1;
    }
  }
  return state;
}
