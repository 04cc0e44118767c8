import type { ByteSet } from './charset.js';
import { SLASH, byteSet, has } from './charset.js';

/**
 * Which byte strings count as a path a scope could hold: what git can track (folders separated by
 * single slashes, no empty, `.`, `..` or `.git` (any case) component, no leading or trailing slash:
 * read-cache.c verify_path), minus names holding a glob character `*?[\`. git matches every
 * pattern literally too (`src/*` matches a folder named `*`), so with such names any two wildcard
 * patterns would "overlap"; real files with such names are still found by the tracked-file check.
 */
const enum Segment {
  Empty,
  Dot,
  DotDot,
  DotG,
  DotGi,
  DotGit,
  Plain,
  Dead,
}

export type PathState = Segment;
export const PATH_START: PathState = Segment.Empty;
/** Bytes the path automaton tells apart; the search splits the alphabet along them. */
const GLOB_BYTES = byteSet(0x2a, 0x3f, 0x5b, 0x5c);
export const PATH_BYTE_SETS: readonly ByteSet[] = [byteSet(SLASH), byteSet(0x2e), byteSet(0x67, 0x47), byteSet(0x69, 0x49), byteSet(0x74, 0x54), GLOB_BYTES];

export function nextPathState(state: PathState, byte: number): PathState {
  if (has(GLOB_BYTES, byte)) return Segment.Dead;
  const slash = byte === SLASH;
  switch (state) {
    case Segment.Empty:
      return slash ? Segment.Dead : byte === 0x2e ? Segment.Dot : Segment.Plain;
    case Segment.Dot:
      return slash ? Segment.Dead : byte === 0x2e ? Segment.DotDot : byte === 0x67 || byte === 0x47 ? Segment.DotG : Segment.Plain;
    case Segment.DotDot:
    case Segment.DotGit:
      return slash ? Segment.Dead : Segment.Plain;
    case Segment.DotG:
      return slash ? Segment.Empty : byte === 0x69 || byte === 0x49 ? Segment.DotGi : Segment.Plain;
    case Segment.DotGi:
      return slash ? Segment.Empty : byte === 0x74 || byte === 0x54 ? Segment.DotGit : Segment.Plain;
    case Segment.Plain:
      return slash ? Segment.Empty : Segment.Plain;
    case Segment.Dead:
      return Segment.Dead;
  }
}

export function isDeadPath(state: PathState): boolean {
  return state === Segment.Dead;
}

export function isCompletePath(state: PathState): boolean {
  return state === Segment.Plain || state === Segment.DotG || state === Segment.DotGi;
}
