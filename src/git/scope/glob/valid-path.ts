import type { ByteSet } from './charset.js';
import { SLASH, byteSet, byteSetWhere, has } from './charset.js';

/**
 * Which byte strings count as a path a scope could hold: what git can track (folders separated by
 * single slashes, no empty, `.`, `..` or `.git` (any case) component, no leading or trailing slash:
 * read-cache.c verify_path), in well-formed UTF-8 (so an example path reads back as a string),
 * minus names holding a glob character `*?[\`. git matches every pattern literally too (`src/*`
 * matches a folder named `*`), so with such names any two wildcard patterns would "overlap";
 * real files with such names are still found by the tracked-file check.
 */
const enum Segment {
  Empty,
  Dot,
  DotDot,
  DotG,
  DotGi,
  DotGit,
  Plain,
}

/** UTF-8 decoding states: how many continuation bytes are due, and the narrower first ones. */
const enum Utf8 {
  Lead,
  Need1,
  Need2,
  Need3,
  AfterE0,
  AfterED,
  AfterF0,
  AfterF4,
}

/** A state of the path automaton: segment * 8 + UTF-8 state, or DEAD. */
export type PathState = number;
const DEAD = -1;
export const PATH_START: PathState = Segment.Empty * 8 + Utf8.Lead;

const GLOB_BYTES = byteSet(0x2a, 0x3f, 0x5b, 0x5c);
const between = (low: number, high: number): ByteSet => byteSetWhere((b) => b >= low && b <= high);
/** Bytes the path automaton tells apart; the search splits the alphabet along them. */
export const PATH_BYTE_SETS: readonly ByteSet[] = [
  byteSet(SLASH), byteSet(0x2e), byteSet(0x67, 0x47), byteSet(0x69, 0x49), byteSet(0x74, 0x54), GLOB_BYTES,
  between(0x80, 0x8f), between(0x90, 0x9f), between(0xa0, 0xbf), between(0xc2, 0xdf), byteSet(0xe0), byteSet(0xed), byteSet(0xf0), byteSet(0xf4),
  between(0xe1, 0xef), between(0xf1, 0xf3),
];

export function nextPathState(state: PathState, byte: number): PathState {
  if (state === DEAD || has(GLOB_BYTES, byte)) return DEAD;
  const utf8 = nextUtf8(state % 8, byte);
  const segment = nextSegment(Math.floor(state / 8), byte);
  return utf8 === DEAD || segment === DEAD ? DEAD : segment * 8 + utf8;
}

export function isDeadPath(state: PathState): boolean {
  return state === DEAD;
}

export function isCompletePath(state: PathState): boolean {
  const segment = Math.floor(state / 8);
  return state !== DEAD && state % 8 === Utf8.Lead && (segment === Segment.Plain || segment === Segment.DotG || segment === Segment.DotGi);
}

function nextSegment(state: Segment, byte: number): Segment | typeof DEAD {
  const slash = byte === SLASH;
  const g = byte === 0x67 || byte === 0x47;
  switch (state) {
    case Segment.Empty:
      return slash ? DEAD : byte === 0x2e ? Segment.Dot : Segment.Plain;
    case Segment.Dot:
      return slash ? DEAD : byte === 0x2e ? Segment.DotDot : g ? Segment.DotG : Segment.Plain;
    case Segment.DotDot:
    case Segment.DotGit:
      return slash ? DEAD : Segment.Plain;
    case Segment.DotG:
      return slash ? Segment.Empty : byte === 0x69 || byte === 0x49 ? Segment.DotGi : Segment.Plain;
    case Segment.DotGi:
      return slash ? Segment.Empty : byte === 0x74 || byte === 0x54 ? Segment.DotGit : Segment.Plain;
    case Segment.Plain:
      return slash ? Segment.Empty : Segment.Plain;
  }
}

function nextUtf8(state: Utf8, byte: number): Utf8 | typeof DEAD {
  const continuation = byte >= 0x80 && byte <= 0xbf;
  switch (state) {
    case Utf8.Lead:
      if (byte < 0x80) return Utf8.Lead;
      if (byte >= 0xc2 && byte <= 0xdf) return Utf8.Need1;
      if (byte === 0xe0) return Utf8.AfterE0;
      if (byte === 0xed) return Utf8.AfterED;
      if (byte >= 0xe1 && byte <= 0xef) return Utf8.Need2;
      if (byte === 0xf0) return Utf8.AfterF0;
      if (byte === 0xf4) return Utf8.AfterF4;
      if (byte >= 0xf1 && byte <= 0xf3) return Utf8.Need3;
      return DEAD;
    case Utf8.Need1:
      return continuation ? Utf8.Lead : DEAD;
    case Utf8.Need2:
      return continuation ? Utf8.Need1 : DEAD;
    case Utf8.Need3:
      return continuation ? Utf8.Need2 : DEAD;
    case Utf8.AfterE0:
      return byte >= 0xa0 && byte <= 0xbf ? Utf8.Need1 : DEAD;
    case Utf8.AfterED:
      return byte >= 0x80 && byte <= 0x9f ? Utf8.Need1 : DEAD;
    case Utf8.AfterF0:
      return byte >= 0x90 && byte <= 0xbf ? Utf8.Need2 : DEAD;
    case Utf8.AfterF4:
      return byte >= 0x80 && byte <= 0x8f ? Utf8.Need2 : DEAD;
  }
}
