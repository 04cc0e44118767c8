/**
 * Sets of bytes (0–255) as 256-bit integers. Paths are matched byte by byte, as git does, so
 * `?` matches one byte of a UTF-8 character, not the whole character.
 */
export type ByteSet = bigint;

export const NO_BYTES: ByteSet = 0n;
/** Every byte a path may hold: NUL never appears in a git path. */
export const PATH_BYTES: ByteSet = ((1n << 256n) - 1n) & ~1n;
export const SLASH = 0x2f;

export function byteSet(...bytes: number[]): ByteSet {
  let set = NO_BYTES;
  for (const byte of bytes) set |= 1n << BigInt(byte);
  return set;
}

export function has(set: ByteSet, byte: number): boolean {
  return ((set >> BigInt(byte)) & 1n) === 1n;
}

/** The bytes for which `test` holds. */
export function byteSetWhere(test: (byte: number) => boolean): ByteSet {
  let set = NO_BYTES;
  for (let byte = 1; byte < 256; byte++) if (test(byte)) set |= 1n << BigInt(byte);
  return set;
}

export function without(set: ByteSet, byte: number): ByteSet {
  return set & ~(1n << BigInt(byte));
}

/** git's own ASCII-only ctype (git-compat-util.h); bytes above 127 belong to no class. */
export const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
export const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
export const toLower = (c: number): number => (isUpper(c) ? c + 32 : c);
export const toUpper = (c: number): number => (isLower(c) ? c - 32 : c);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => isUpper(c) || isLower(c);
const isPrint = (c: number): boolean => c >= 0x20 && c <= 0x7e;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** The `[:name:]` classes wildmatch knows; `icase` widens `upper` to lower-case letters, as git does. */
export function posixClass(name: string, icase: boolean): ((c: number) => boolean) | undefined {
  switch (name) {
    case 'alnum': return (c) => isAlpha(c) || isDigit(c);
    case 'alpha': return isAlpha;
    case 'blank': return (c) => c === 0x20 || c === 0x09;
    case 'cntrl': return (c) => c < 0x20 || c === 0x7f;
    case 'digit': return isDigit;
    case 'graph': return (c) => isPrint(c) && !isSpace(c);
    case 'lower': return isLower;
    case 'print': return isPrint;
    case 'punct': return (c) => isPrint(c) && !isAlpha(c) && !isDigit(c) && c !== 0x20;
    case 'space': return isSpace;
    case 'upper': return icase ? (c) => isUpper(c) || isLower(c) : isUpper;
    case 'xdigit': return (c) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
    default: return undefined;
  }
}
