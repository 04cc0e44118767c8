import type { ByteSet } from './charset.js';
import { NO_BYTES, PATH_BYTES, SLASH, byteSetWhere, isLower, posixClass, toLower, toUpper, without } from './charset.js';

const BACKSLASH = 0x5c;
const CLOSE = 0x5d;
const OPEN = 0x5b;
const COLON = 0x3a;
const DASH = 0x2d;
const BANG = 0x21;
const CARET = 0x5e;

/**
 * The bracket expression starting at `pattern[open]`, read exactly as git's wildmatch.c reads it
 * (a `]` first is a member, `a-z` ranges, `[:alpha:]`, `\` escapes, `!`/`^` negation, `/` never
 * matches). Returns null for a malformed class: git then matches nothing with this pattern.
 */
export function compileClass(pattern: Uint8Array, open: number, icase: boolean): { set: ByteSet; end: number } | null {
  const fold = icase ? toLower : (c: number) => c;
  let i = open + 1;
  let ch = pattern[i];
  if (ch === CARET) ch = BANG;
  const negated = ch === BANG;
  if (negated) ch = pattern[++i];
  let previous = 0;
  let set = NO_BYTES;
  for (;;) {
    if (ch === undefined) return null;
    if (ch === BACKSLASH) {
      ch = pattern[++i];
      if (ch === undefined) return null;
      const literal = ch;
      set |= byteSetWhere((t) => fold(t) === literal);
    } else if (ch === DASH && previous !== 0 && pattern[i + 1] !== undefined && pattern[i + 1] !== CLOSE) {
      ch = pattern[++i] as number;
      if (ch === BACKSLASH) {
        ch = pattern[++i];
        if (ch === undefined) return null;
      }
      const [low, high] = [previous, ch];
      set |= byteSetWhere((t) => {
        const f = fold(t);
        return (f >= low && f <= high) || (icase && isLower(f) && toUpper(f) >= low && toUpper(f) <= high);
      });
      ch = 0;
    } else if (ch === OPEN && pattern[i + 1] === COLON) {
      const start = i + 2;
      let end = start;
      while (pattern[end] !== undefined && pattern[end] !== CLOSE) end++;
      if (pattern[end] === undefined) return null;
      if (end - start - 1 < 0 || pattern[end - 1] !== COLON) {
        // Not a `[:name:]` after all: the `[` is an ordinary member and reading goes on after it.
        i = start - 2;
        ch = OPEN;
        set |= byteSetWhere((t) => fold(t) === OPEN);
      } else {
        const test = posixClass(Buffer.from(pattern.subarray(start, end - 1)).toString('latin1'), icase);
        if (test === undefined) return null;
        set |= byteSetWhere((t) => test(fold(t)));
        i = end;
        ch = 0;
      }
    } else {
      const literal = ch;
      set |= byteSetWhere((t) => fold(t) === literal);
    }
    previous = ch;
    ch = pattern[++i];
    if (ch === CLOSE) break;
  }
  const members = negated ? PATH_BYTES & ~set : set;
  return { set: without(members, SLASH), end: i + 1 };
}
